use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::kit::setting::cfn_lower;
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};

pub static RULE: Rule = Rule {
    id: "dms-endpoint-ssl-disabled",
    title: "DMS endpoint connects to its database without TLS",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "DMS",
    why: "DMS moves whole databases. With `ssl_mode` `none` the full load and the change stream, and the endpoint's \
          database credentials, cross the network in plaintext, often over VPNs or Direct Connect to on-premises \
          sources.",
    aws_side: "AWS supports TLS to every engine that has an `ssl_mode`; choosing one and providing the CA is the \
               customer's duty.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV2_AWS_49"],
        kics: &[],
        trivy: &[],
        how: "Checkov passes an endpoint that leaves `ssl_mode` out, whose API default is `none`; this rule flags it.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_dms_endpoint"],
            path: "ssl_mode",
            applies: Some(applies),
            example: r#"resource "aws_dms_endpoint" "source" {
  endpoint_id   = "source"
  endpoint_type = "source"
  engine_name   = "postgres"
}"#,
            fixed: r#"resource "aws_dms_endpoint" "source" {
  endpoint_id   = "source"
  endpoint_type = "source"
  engine_name   = "postgres"
  ssl_mode = "require"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::DMS::Endpoint"],
            path: "SslMode",
            applies: Some(applies_cfn),
            example: r#"Resources:
  Source:
    Type: AWS::DMS::Endpoint
    Properties:
      EndpointType: source
      EngineName: mysql
      SslMode: none
"#,
            fixed: r#"Resources:
  Source:
    Type: AWS::DMS::Endpoint
    Properties:
      EndpointType: source
      EngineName: mysql
      SslMode: require
"#,
        }),
        want: Want::NoneOf { insecure: &["none"], fix: "require" },
        absent: Some("the data and the database credentials cross the network in plaintext (the default is `none`)"),
        insecure: "the data and the database credentials cross the network in plaintext",
        fix: "Set `ssl_mode` to `verify-full` with a `certificate_arn` for the database's CA (or `require` when no CA \
              is at hand); in CloudFormation, `SslMode`.",
        fix_title: "Require TLS to the database",
    },
};

/// The engines whose endpoints take an `ssl_mode` (S3, DynamoDB, Kinesis, Kafka, Neptune, Redshift, OpenSearch
/// and Azure endpoints do not).
const TLS_ENGINES: &[&str] = &[
    "mysql",
    "mariadb",
    "aurora",
    "aurora-postgresql",
    "aurora-serverless",
    "postgres",
    "oracle",
    "sqlserver",
    "babelfish",
    "sybase",
    "db2",
    "db2-zos",
    "mongodb",
    "docdb",
];

fn tls_engine(engine: Option<&str>) -> bool {
    engine.is_some_and(|e| TLS_ENGINES.contains(&e.to_ascii_lowercase().as_str()))
}

fn applies(ctx: &TfContext, res: Resource) -> bool {
    tls_engine(ctx.attr(res.block, "engine_name").and_then(|(_, v)| v.as_str().map(str::to_string)).as_deref())
}

fn applies_cfn(ctx: &CfnContext, res: CfnResource) -> bool {
    tls_engine(cfn_lower(ctx, res, "EngineName").as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_endpoints_without_tls() {
        let tf = r#"variable "mode" {}
resource "aws_dms_endpoint" "absent" {
  engine_name = "mysql"
}
resource "aws_dms_endpoint" "none" {
  engine_name = "sqlserver"
  ssl_mode    = "none"
}
resource "aws_dms_endpoint" "s3" {
  engine_name = "s3"
}
resource "aws_dms_endpoint" "verified" {
  engine_name = "postgres"
  ssl_mode    = "verify-full"
}
resource "aws_dms_endpoint" "unknown" {
  engine_name = "oracle"
  ssl_mode    = var.mode
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 7]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_endpoints() {
        let yaml = "Resources:\n  A:\n    Type: AWS::DMS::Endpoint\n    Properties:\n      EngineName: MongoDB\n  B:\n    Type: AWS::DMS::Endpoint\n    Properties:\n      EngineName: kinesis\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
