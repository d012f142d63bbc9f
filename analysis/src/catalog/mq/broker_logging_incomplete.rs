use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::CfnResource;
use crate::fix::{Edit, Fix};
use crate::kit::setting::set_in_config;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "mq-broker-logging-incomplete",
    title: "Amazon MQ broker does not send general and audit logs to CloudWatch",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "Amazon MQ",
    why: "Audit logs record management actions on the broker (queues created, users changed) and general logs its \
          connections and errors; without them, tampering with messaging is untraceable.",
    aws_side: "Amazon MQ publishes the logs to CloudWatch once enabled (and a resource policy allows it). RabbitMQ \
               brokers have no audit log.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["31245f98-a6a9-4182-9fc1-45482b9d030a", "e519ed6a-8328-4b69-8eb7-8fa549ac3050"],
        trivy: &[],
    },
    related: Related {
        checkov: &["CKV_AWS_48", "CKV_AWS_197"],
        kics: &[],
        trivy: &["AVD-AWS-0070", "aws-mq-enable-audit-logging", "AVD-AWS-0071", "aws-mq-enable-general-logging"],
        how: "Each checks one of the two logs.",
    },
    matcher: &Custom {
        what: "Flags `aws_mq_broker` without `logs { general = true }` or, for ActiveMQ brokers, without \
               `logs { audit = true }`; in CloudFormation, `AWS::AmazonMQ::Broker` `Logs.General` and `Logs.Audit` \
               likewise.",
        fix: "Set `logs { general = true, audit = true }` (`audit` only for ActiveMQ).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_mq_broker"],
            check,
            example: r#"resource "aws_mq_broker" "events" {
  broker_name = "events"
  engine_type = "ActiveMQ"

  logs {
    general = true
  }
}"#,
            fixed_example: r#"resource "aws_mq_broker" "events" {
  broker_name = "events"
  engine_type = "ActiveMQ"

  logs {
    general = true
    audit = true
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::AmazonMQ::Broker"],
            check: check_cfn,
            example: r#"Resources:
  Events:
    Type: AWS::AmazonMQ::Broker
    Properties:
      BrokerName: events
      EngineType: ActiveMQ
      Logs:
        General: true
"#,
            fixed_example: r#"Resources:
  Events:
    Type: AWS::AmazonMQ::Broker
    Properties:
      BrokerName: events
      EngineType: ActiveMQ
      Logs:
        General: true
        Audit: true
"#,
        }),
    },
};

const FIX: &str = "Send the broker's logs to CloudWatch";

/// Whether the broker has an audit log (ActiveMQ; an absent engine type is taken as ActiveMQ). `None`: unknown.
fn has_audit(engine: Value) -> Option<bool> {
    match engine {
        Value::Null => Some(true),
        v => Some(!v.as_str()?.eq_ignore_ascii_case("RabbitMQ")),
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_mq_broker").collect::<Vec<_>>() {
        let audit = has_audit(ctx.attr(res.block, "engine_type").map_or(Value::Null, |(_, v)| v));
        let Some(audit) = audit else { continue };
        let wanted: &[&str] = if audit { &["general", "audit"] } else { &["general"] };
        let file = ctx.file(res);
        let address = res.address();
        let logs = ctx.nested(res.config(), "logs");
        if logs.is_empty() {
            let body: Vec<String> = wanted.iter().map(|w| format!("  {w} = true")).collect();
            let fix = Fix::new(
                FIX,
                vec![edit::insert_in_block(file, res.block, &format!("logs {{\n{}\n}}", body.join("\n")))],
            );
            ctx.report_with_fix(
                res,
                res.block.header,
                format!("`{address}` has no `logs`, so the broker's logs are not kept"),
                fix,
            );
        }
        for config in logs {
            for name in wanted {
                match ctx.field(config, name) {
                    None => {
                        let fix = set_in_config(file, config, name, "true").map(|e| Fix::new(FIX, vec![e]));
                        ctx.report(
                            res,
                            config.header(),
                            format!("`{address}` does not set `logs.{name} = true`, so its {name} log is not kept"),
                        )
                        .fixes
                        .extend(fix);
                    }
                    Some((field, v)) if v.as_bool() == Some(false) => {
                        let fix = Fix::new(FIX, vec![Edit { range: field.expr.range, text: "true".into() }]);
                        ctx.report_with_fix(
                            res,
                            field.range,
                            format!("`{address}` sets `logs.{name} = false`, so its {name} log is not kept"),
                            fix,
                        );
                    }
                    _ => {}
                }
            }
        }
    }
}

fn check_cfn_broker(ctx: &mut CfnContext, res: CfnResource) {
    let Some(audit) = has_audit(ctx.prop(res, "EngineType").map_or(Value::Null, |(_, v)| v)) else { return };
    let wanted: &[&str] = if audit { &["General", "Audit"] } else { &["General"] };
    let id = res.logical_id;
    let Some((logs, v)) = ctx.prop(res, "Logs").filter(|(_, v)| *v != Value::Null) else {
        let value: serde_json::Map<String, serde_json::Value> =
            wanted.iter().map(|w| (w.to_string(), json!(true))).collect();
        let fix =
            Fix::new(FIX, vec![cfn_edit::set_property(ctx.template, res, "Logs", &serde_json::Value::Object(value))]);
        let range = ctx.header(res);
        ctx.report(res, range, format!("`{id}` has no `Logs`, so the broker's logs are not kept")).fixes.push(fix);
        return;
    };
    if !v.is_known() && logs.intrinsic().is_some() {
        return;
    }
    for name in wanted {
        match logs.entry(name) {
            None => {
                let fix = Fix::new(FIX, vec![cfn_edit::set_key(ctx.template, logs, name, &json!(true))]);
                ctx.report(
                    res,
                    logs.range,
                    format!("`{id}` does not set `Logs.{name}: true`, so that log is not kept"),
                )
                .fixes
                .push(fix);
            }
            Some(e) if ctx.eval(&e.value).as_bool() == Some(false) => {
                let fix = Fix::new(FIX, vec![cfn_edit::replace_value(ctx.template, &e.value, &json!(true))]);
                ctx.report(res, e.range, format!("`{id}` sets `Logs.{name}: false`, so that log is not kept"))
                    .fixes
                    .push(fix);
            }
            _ => {}
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::AmazonMQ::Broker").collect::<Vec<_>>() {
        check_cfn_broker(ctx, res);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn missing_logs() {
        let tf = "resource \"aws_mq_broker\" \"a\" {\n}\nresource \"aws_mq_broker\" \"b\" {\n  logs {\n    general = true\n  }\n}\nresource \"aws_mq_broker\" \"c\" {\n  logs {\n    general = false\n    audit   = true\n  }\n}\nresource \"aws_mq_broker\" \"rabbit\" {\n  engine_type = \"RabbitMQ\"\n  logs {\n    general = true\n  }\n}\n";
        assert_eq!(lines(&RULE, tf), [1, 4, 10]);
        assert_eq!(check_fixes(&RULE, tf), 3);
        let yaml = "Resources:\n  A:\n    Type: AWS::AmazonMQ::Broker\n    Properties:\n      EngineType: ActiveMQ\n      Logs:\n        Audit: true\n  B:\n    Type: AWS::AmazonMQ::Broker\n    Properties:\n      EngineType: RabbitMQ\n      Logs:\n        General: true\n  C:\n    Type: AWS::AmazonMQ::Broker\n    Properties:\n      EngineType: ActiveMQ\n";
        assert_eq!(cfn_lines(&RULE, yaml), [7, 14]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
