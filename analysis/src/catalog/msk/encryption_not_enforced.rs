use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "msk-encryption-not-enforced",
    title: "MSK cluster does not enforce TLS between clients and brokers and inside the cluster",
    severity: Severity::High,
    row: Row::ManagedServiceConfig,
    service: "MSK",
    why: "Kafka records and SASL/SCRAM credentials cross the network in clear when plaintext is allowed, between \
          clients and brokers or between brokers.",
    aws_side: "MSK enforces the in-transit settings the customer chooses at creation (`in_cluster` cannot be \
               changed later); its defaults are TLS.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_81"],
        kics: &["6db52fa6-d4da-4608-908a-89f0c59e743e", "a976d63f-af0e-46e8-b714-8c1a9c4bf768"],
        trivy: &[],
    },
    related: Related {
        checkov: &[],
        kics: &[],
        trivy: &["AVD-AWS-0073", "aws-msk-enable-in-transit-encryption"],
        how: "Trivy checks `client_broker` only.",
    },
    matcher: &Custom {
        what: "Flags `aws_msk_cluster` without `encryption_info` (declare it so that the TLS settings are explicit), \
               or whose `encryption_in_transit` has `client_broker` other than `TLS` or `in_cluster = false`; in \
               CloudFormation, `AWS::MSK::Cluster` `EncryptionInfo.EncryptionInTransit` likewise.",
        fix: "Declare `encryption_info { encryption_in_transit { client_broker = \"TLS\", in_cluster = true } }`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_msk_cluster"],
            check,
            example: r#"resource "aws_msk_cluster" "events" {
  cluster_name = "events"

  encryption_info {
    encryption_in_transit {
      client_broker = "TLS_PLAINTEXT"
    }
  }
}"#,
            fixed_example: r#"resource "aws_msk_cluster" "events" {
  cluster_name = "events"

  encryption_info {
    encryption_in_transit {
      client_broker = "TLS"
    }
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::MSK::Cluster"],
            check: check_cfn,
            example: r#"Resources:
  Events:
    Type: AWS::MSK::Cluster
    Properties:
      ClusterName: events
      EncryptionInfo:
        EncryptionInTransit:
          ClientBroker: PLAINTEXT
"#,
            fixed_example: r#"Resources:
  Events:
    Type: AWS::MSK::Cluster
    Properties:
      ClusterName: events
      EncryptionInfo:
        EncryptionInTransit:
          ClientBroker: TLS
"#,
        }),
    },
};

const FIX: &str = "Enforce TLS";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_msk_cluster").collect::<Vec<_>>() {
        let file = ctx.file(res);
        let address = res.address();
        let info = ctx.nested(res.config(), "encryption_info");
        if info.is_empty() {
            let text = "encryption_info {\n  encryption_in_transit {\n    client_broker = \"TLS\"\n    in_cluster    = true\n  }\n}";
            let fix = Fix::new(FIX, vec![edit::insert_in_block(file, res.block, text)]);
            ctx.report_with_fix(
                res,
                res.block.header,
                format!("`{address}` does not declare `encryption_info`, so its TLS settings are not explicit"),
                fix,
            );
        }
        for config in info {
            for transit in ctx.nested(config, "encryption_in_transit") {
                if let Some((field, v)) = ctx.field(transit, "client_broker") {
                    if v.as_str().is_some_and(|c| !c.eq_ignore_ascii_case("TLS")) {
                        let fix = Fix::new(FIX, vec![Edit { range: field.expr.range, text: "\"TLS\"".into() }]);
                        let message = format!(
                            "`{address}` lets clients talk to brokers in plain text (`client_broker = \"{}\"`)",
                            v.as_str().unwrap_or("")
                        );
                        ctx.report_with_fix(res, field.range, message, fix);
                    }
                }
                if let Some((field, v)) = ctx.field(transit, "in_cluster") {
                    if v.as_bool() == Some(false) {
                        let fix = Fix::new(FIX, vec![Edit { range: field.expr.range, text: "true".into() }]);
                        ctx.report_with_fix(
                            res,
                            field.range,
                            format!("`{address}` lets brokers talk to each other in plain text (`in_cluster = false`)"),
                            fix,
                        );
                    }
                }
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::MSK::Cluster").collect::<Vec<_>>() {
        let id = res.logical_id;
        if matches!(ctx.prop(res, "EncryptionInfo"), None | Some((_, Value::Null))) {
            let value = json!({"EncryptionInTransit": {"ClientBroker": "TLS", "InCluster": true}});
            let fix = Fix::new(FIX, vec![cfn_edit::set_property(ctx.template, res, "EncryptionInfo", &value)]);
            let range = ctx.header(res);
            ctx.report(
                res,
                range,
                format!("`{id}` does not declare `EncryptionInfo`, so its TLS settings are not explicit"),
            )
            .fixes
            .push(fix);
            continue;
        }
        let Some((transit, _)) = ctx.prop(res, "EncryptionInfo.EncryptionInTransit") else { continue };
        if let Some(e) = transit.entry("ClientBroker") {
            if let Value::String(c) = ctx.eval(&e.value) {
                if !c.eq_ignore_ascii_case("TLS") {
                    let fix = Fix::new(FIX, vec![cfn_edit::replace_value(ctx.template, &e.value, &json!("TLS"))]);
                    ctx.report(
                        res,
                        e.range,
                        format!("`{id}` lets clients talk to brokers in plain text (`ClientBroker: {c}`)"),
                    )
                    .fixes
                    .push(fix);
                }
            }
        }
        if let Some(e) = transit.entry("InCluster") {
            if ctx.eval(&e.value).as_bool() == Some(false) {
                let fix = Fix::new(FIX, vec![cfn_edit::replace_value(ctx.template, &e.value, &json!(true))]);
                ctx.report(
                    res,
                    e.range,
                    format!("`{id}` lets brokers talk to each other in plain text (`InCluster: false`)"),
                )
                .fixes
                .push(fix);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn plaintext_allowed() {
        let tf = "resource \"aws_msk_cluster\" \"a\" {\n}\nresource \"aws_msk_cluster\" \"b\" {\n  encryption_info {\n    encryption_in_transit {\n      client_broker = \"PLAINTEXT\"\n      in_cluster    = \"false\"\n    }\n  }\n}\nresource \"aws_msk_cluster\" \"c\" {\n  encryption_info {\n    encryption_at_rest_kms_key_arn = aws_kms_key.k.arn\n  }\n}\n";
        assert_eq!(lines(&RULE, tf), [1, 6, 7]);
        assert_eq!(check_fixes(&RULE, tf), 3);
        let yaml = "Resources:\n  A:\n    Type: AWS::MSK::Cluster\n    Properties:\n      ClusterName: a\n  B:\n    Type: AWS::MSK::Cluster\n    Properties:\n      EncryptionInfo:\n        EncryptionInTransit:\n          InCluster: 'false'\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 11]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
