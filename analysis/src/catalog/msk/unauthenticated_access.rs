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
    id: "msk-unauthenticated-access",
    title: "MSK cluster allows unauthenticated clients",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "MSK",
    why: "Any host that can reach the brokers can produce to and consume from every topic; network placement \
          becomes the only control.",
    aws_side: "MSK enforces the authentication modes the customer enables; Kafka ACLs are the customer's too.",
    equivalents: Equivalents::NONE,
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_msk_cluster` without `client_authentication` (which accepts unauthenticated clients) or \
               with `client_authentication.unauthenticated = true`; in CloudFormation, `AWS::MSK::Cluster` without \
               `ClientAuthentication` or with `ClientAuthentication.Unauthenticated.Enabled: true`.",
        fix:
            "Authenticate clients with IAM, SASL/SCRAM or mutual TLS (`client_authentication { sasl { iam = true } }`) \
              and set `unauthenticated = false`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_msk_cluster"],
            check,
            example: r#"resource "aws_msk_cluster" "events" {
  cluster_name = "events"

  client_authentication {
    unauthenticated = true
  }
}"#,
            fixed_example: r#"resource "aws_msk_cluster" "events" {
  cluster_name = "events"

  client_authentication {
    unauthenticated = false

    sasl {
      iam = true
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
      ClientAuthentication:
        Unauthenticated:
          Enabled: true
"#,
            fixed_example: r#"Resources:
  Events:
    Type: AWS::MSK::Cluster
    Properties:
      ClusterName: events
      ClientAuthentication:
        Unauthenticated:
          Enabled: false
        Sasl:
          Iam:
            Enabled: true
"#,
        }),
    },
};

const FIX: &str = "Authenticate clients with IAM (review the clients)";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_msk_cluster").collect::<Vec<_>>() {
        let file = ctx.file(res);
        let address = res.address();
        let auth = ctx.nested(res.config(), "client_authentication");
        if auth.is_empty() {
            if res.block.attr("client_authentication").is_some() {
                continue;
            }
            let text = "client_authentication {\n  unauthenticated = false\n\n  sasl {\n    iam = true\n  }\n}";
            let fix = Fix::unsafe_(FIX, vec![edit::insert_in_block(file, res.block, text)]);
            ctx.report_with_fix(
                res,
                res.block.header,
                format!("`{address}` has no `client_authentication`, so it accepts unauthenticated clients"),
                fix,
            );
        }
        for config in auth {
            let Some((field, v)) = ctx.field(config, "unauthenticated") else { continue };
            if v.as_bool() != Some(true) {
                continue;
            }
            let mut edits = vec![Edit { range: field.expr.range, text: "false".into() }];
            let authenticated = !ctx.nested(config, "sasl").is_empty() || !ctx.nested(config, "tls").is_empty();
            if !authenticated {
                if let Some(b) = config.block() {
                    edits.push(edit::insert_in_block(file, b, "sasl {\n  iam = true\n}"));
                }
            }
            ctx.report_with_fix(
                res,
                field.range,
                format!("`{address}` accepts unauthenticated clients (`unauthenticated = true`)"),
                Fix::unsafe_(FIX, edits),
            );
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::MSK::Cluster").collect::<Vec<_>>() {
        let id = res.logical_id;
        match ctx.prop(res, "ClientAuthentication") {
            None | Some((_, Value::Null)) => {
                let value = json!({"Sasl": {"Iam": {"Enabled": true}}, "Unauthenticated": {"Enabled": false}});
                let fix =
                    Fix::unsafe_(FIX, vec![cfn_edit::set_property(ctx.template, res, "ClientAuthentication", &value)]);
                let range = ctx.header(res);
                ctx.report(
                    res,
                    range,
                    format!("`{id}` has no `ClientAuthentication`, so it accepts unauthenticated clients"),
                )
                .fixes
                .push(fix);
            }
            Some(_) => {
                let Some((node, v)) = ctx.prop(res, "ClientAuthentication.Unauthenticated.Enabled") else { continue };
                if v.as_bool() != Some(true) {
                    continue;
                }
                let fix = Fix::unsafe_(FIX, vec![cfn_edit::replace_value(ctx.template, node, &json!(false))]);
                let range = ctx.prop_range(res, "ClientAuthentication.Unauthenticated.Enabled").unwrap_or(node.range);
                ctx.report(
                    res,
                    range,
                    format!("`{id}` accepts unauthenticated clients (`Unauthenticated.Enabled: true`)"),
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
    fn unauthenticated_clients() {
        let tf = "resource \"aws_msk_cluster\" \"a\" {\n}\nresource \"aws_msk_cluster\" \"b\" {\n  client_authentication {\n    unauthenticated = true\n    sasl {\n      scram = true\n    }\n  }\n}\nresource \"aws_msk_cluster\" \"c\" {\n  client_authentication {\n    sasl {\n      iam = true\n    }\n  }\n}\n";
        assert_eq!(lines(&RULE, tf), [1, 5]);
        assert_eq!(check_fixes(&RULE, tf), 2);
        let yaml = "Resources:\n  A:\n    Type: AWS::MSK::Cluster\n    Properties:\n      ClusterName: a\n  B:\n    Type: AWS::MSK::Cluster\n    Properties:\n      ClientAuthentication:\n        Unauthenticated:\n          Enabled: 'true'\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 11]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
