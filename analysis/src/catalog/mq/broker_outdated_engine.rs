use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::kit::versions;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "mq-broker-outdated-engine",
    title: "Amazon MQ broker runs an engine version that is out of support",
    severity: Severity::Medium,
    row: Row::DatabasePatching,
    service: "Amazon MQ",
    why: "Engine versions past Amazon MQ's end of support get no fixes and are eventually upgraded by force, at a \
          time the customer does not choose.",
    aws_side: "AWS publishes the version support calendar and patches supported versions; choosing and moving \
               versions is the customer's.",
    equivalents: Equivalents { checkov: &["CKV_AWS_208"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_mq_broker` and `aws_mq_configuration` whose engine version is below ActiveMQ 5.17 or \
               RabbitMQ 3.11 (Amazon MQ's support floor as of 2024; `5.18`-style versions count by major and \
               minor); in CloudFormation, `AWS::AmazonMQ::Broker` and `AWS::AmazonMQ::Configuration` likewise.",
        fix: "Upgrade to a supported engine version (ActiveMQ `5.18`, RabbitMQ `3.13`), after checking the Amazon MQ \
              version support calendar.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_mq_broker", "aws_mq_configuration"],
            check,
            example: r#"resource "aws_mq_broker" "events" {
  broker_name    = "events"
  engine_type    = "ActiveMQ"
  engine_version = "5.15.0"
}"#,
            fixed_example: r#"resource "aws_mq_broker" "events" {
  broker_name    = "events"
  engine_type    = "ActiveMQ"
  engine_version = "5.18"
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::AmazonMQ::Broker", "AWS::AmazonMQ::Configuration"],
            check: check_cfn,
            example: r#"Resources:
  Events:
    Type: AWS::AmazonMQ::Broker
    Properties:
      BrokerName: events
      EngineType: RabbitMQ
      EngineVersion: 3.8.6
"#,
            fixed_example: r#"Resources:
  Events:
    Type: AWS::AmazonMQ::Broker
    Properties:
      BrokerName: events
      EngineType: RabbitMQ
      EngineVersion: '3.13'
"#,
        }),
    },
};

/// The support floor of an engine and the version the fix writes.
fn floor(engine: &str) -> Option<(&'static [u64], &'static str)> {
    match engine.to_ascii_lowercase().as_str() {
        "activemq" => Some((&[5, 17], "5.18")),
        "rabbitmq" => Some((&[3, 11], "3.13")),
        _ => None,
    }
}

/// The version the fix writes when `version` (of `engine`) is below the floor.
fn outdated(engine: &Value, version: &Value) -> Option<&'static str> {
    let (floor, fix) = floor(engine.as_str()?)?;
    let parsed = versions::parse(version.as_str()?)?;
    let major_minor: Vec<u64> = parsed.iter().take(2).copied().collect();
    versions::less(&major_minor, floor).then_some(fix)
}

fn check(ctx: &mut TfContext) {
    for ty in ["aws_mq_broker", "aws_mq_configuration"] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let engine = ctx.attr(res.block, "engine_type").map_or(Value::Null, |(_, v)| v);
            let Some((attr, version)) = ctx.attr(res.block, "engine_version") else { continue };
            let Some(fix) = outdated(&engine, &version) else { continue };
            let message = format!(
                "`{}` runs {} {}, below the versions Amazon MQ supports",
                res.address(),
                engine.as_str().unwrap_or(""),
                version.as_str().unwrap_or("")
            );
            let edit = Edit { range: attr.expr.range, text: format!("\"{fix}\"") };
            ctx.report_with_fix(
                res,
                attr.range,
                message,
                Fix::unsafe_("Upgrade the engine (review the release notes)", vec![edit]),
            );
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for ty in ["AWS::AmazonMQ::Broker", "AWS::AmazonMQ::Configuration"] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let engine = ctx.prop(res, "EngineType").map_or(Value::Null, |(_, v)| v);
            let Some((node, version)) = ctx.prop(res, "EngineVersion") else { continue };
            let Some(fix) = outdated(&engine, &version) else { continue };
            let message = format!(
                "`{}` runs {} {}, below the versions Amazon MQ supports",
                res.logical_id,
                engine.as_str().unwrap_or(""),
                version.as_str().unwrap_or("")
            );
            let edit = cfn_edit::replace_value(ctx.template, node, &json!(fix));
            let range = ctx.prop_range(res, "EngineVersion").unwrap_or(node.range);
            ctx.report(res, range, message)
                .fixes
                .push(Fix::unsafe_("Upgrade the engine (review the release notes)", vec![edit]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn old_engines() {
        let tf = "resource \"aws_mq_broker\" \"a\" {\n  engine_type    = \"ActiveMQ\"\n  engine_version = \"5.16.7\"\n}\nresource \"aws_mq_broker\" \"b\" {\n  engine_type    = \"ActiveMQ\"\n  engine_version = \"5.18\"\n}\nresource \"aws_mq_configuration\" \"c\" {\n  engine_type    = \"RabbitMQ\"\n  engine_version = \"3.10.20\"\n}\nresource \"aws_mq_broker\" \"d\" {\n  engine_type    = \"RabbitMQ\"\n  engine_version = var.version\n}\n";
        assert_eq!(lines(&RULE, tf), [3, 11]);
        assert_eq!(check_fixes(&RULE, tf), 2);
        let yaml = "Resources:\n  A:\n    Type: AWS::AmazonMQ::Broker\n    Properties:\n      EngineType: ActiveMQ\n      EngineVersion: 5.15.0\n  B:\n    Type: AWS::AmazonMQ::Broker\n    Properties:\n      EngineType: RabbitMQ\n      EngineVersion: '3.13'\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
