use crate::cloudformation::check::CfnContext;
use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Matcher, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "glue-job-without-security-configuration",
    title: "Glue job, crawler or development endpoint runs without a security configuration",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "Glue",
    why: "Without a security configuration a Glue job writes its S3 output, CloudWatch logs and bookmarks with no \
          encryption of its own, relying on bucket defaults and leaving logs that contain extracted records \
          unencrypted.",
    aws_side: "AWS applies the named security configuration; naming one is the customer's duty.",
    equivalents: Equivalents { checkov: &["CKV_AWS_195"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_glue_job`, `aws_glue_crawler` and `aws_glue_dev_endpoint` without a \
               `security_configuration` (or with an empty one); in CloudFormation, `AWS::Glue::Job` and \
               `AWS::Glue::DevEndpoint` without `SecurityConfiguration` and `AWS::Glue::Crawler` without \
               `CrawlerSecurityConfiguration`.",
        fix: "Set `security_configuration` to an `aws_glue_security_configuration` that encrypts S3 output, logs and \
              bookmarks.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: TF_TYPES,
            check,
            example: r#"resource "aws_glue_job" "etl" {
  name     = "etl"
  role_arn = aws_iam_role.glue.arn
}"#,
            fixed_example: r#"resource "aws_glue_job" "etl" {
  name     = "etl"
  role_arn = aws_iam_role.glue.arn
  security_configuration = aws_glue_security_configuration.etl.name
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Glue::Job", "AWS::Glue::DevEndpoint", "AWS::Glue::Crawler"],
            check: check_cfn,
            example: r#"Resources:
  Etl:
    Type: AWS::Glue::Job
    Properties:
      Role: !GetAtt GlueRole.Arn
"#,
            fixed_example: r#"Resources:
  Etl:
    Type: AWS::Glue::Job
    Properties:
      Role: !GetAtt GlueRole.Arn
      SecurityConfiguration: !Ref EtlSecurity
"#,
        }),
    },
};

const TF_TYPES: &[&str] = &["aws_glue_job", "aws_glue_crawler", "aws_glue_dev_endpoint"];
const ABSENT: &str = "its S3 output, logs and bookmarks get no encryption of their own";

static JOBS: Setting = Setting {
    terraform: Some(Tf { types: TF_TYPES, path: "security_configuration", ..Tf::DEFAULT }),
    cloudformation: Some(Cfn {
        types: &["AWS::Glue::Job", "AWS::Glue::DevEndpoint"],
        path: "SecurityConfiguration",
        ..Cfn::DEFAULT
    }),
    want: Want::Present { placeholder: "<glue-security-configuration>" },
    absent: Some(ABSENT),
    insecure: ABSENT,
    fix_title: "Name a security configuration (placeholder to replace)",
    ..Setting::DEFAULT
};

static CRAWLERS: Setting = Setting {
    cloudformation: Some(Cfn { types: &["AWS::Glue::Crawler"], path: "CrawlerSecurityConfiguration", ..Cfn::DEFAULT }),
    ..JOBS
};

fn check(ctx: &mut TfContext) {
    JOBS.check_terraform(ctx);
}

fn check_cfn(ctx: &mut CfnContext) {
    JOBS.check_cloudformation(ctx);
    CRAWLERS.check_cloudformation(ctx);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_jobs_without_a_security_configuration() {
        let tf = r#"variable "sc" {}
resource "aws_glue_job" "absent" {
  name = "a"
}
resource "aws_glue_crawler" "empty" {
  security_configuration = ""
}
resource "aws_glue_dev_endpoint" "named" {
  security_configuration = aws_glue_security_configuration.etl.name
}
resource "aws_glue_job" "unknown" {
  security_configuration = var.sc
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_security_configurations() {
        let yaml = "Resources:\n  A:\n    Type: AWS::Glue::Job\n    Properties:\n      Role: r\n  B:\n    Type: AWS::Glue::Crawler\n    Properties:\n      Role: r\n  C:\n    Type: AWS::Glue::Crawler\n    Properties:\n      CrawlerSecurityConfiguration: etl\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 6]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
