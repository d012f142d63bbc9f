use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "msk-logging-disabled",
    title: "MSK cluster broker logs are not delivered anywhere",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "MSK",
    why: "Broker logs record authentication failures and client errors; without them an intrusion into the data \
          pipeline cannot be investigated.",
    aws_side: "MSK ships broker logs to the destination the customer enables (CloudWatch Logs, Firehose or S3).",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_80"],
        kics: &["2f56b7ab-7fba-4e93-82f0-247e5ddeb239", "fc7c2c15-f5d0-4b80-adb2-c89019f8f62b"],
        trivy: &["AVD-AWS-0074", "aws-msk-enable-logging"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_msk_cluster` whose `logging_info.broker_logs` enables none of `cloudwatch_logs`, \
               `firehose` and `s3`; in CloudFormation, `AWS::MSK::Cluster` whose `LoggingInfo.BrokerLogs` enables \
               none of `CloudWatchLogs`, `Firehose` and `S3`.",
        fix: "Enable a broker log destination: `logging_info { broker_logs { cloudwatch_logs { enabled = true, \
              log_group = ... } } }`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_msk_cluster"],
            check,
            example: r#"resource "aws_msk_cluster" "events" {
  cluster_name = "events"
}"#,
            fixed_example: r#"resource "aws_msk_cluster" "events" {
  cluster_name = "events"
  logging_info {
    broker_logs {
      cloudwatch_logs {
        enabled   = true
        log_group = aws_cloudwatch_log_group.msk.name
      }
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
"#,
            fixed_example: r#"Resources:
  Events:
    Type: AWS::MSK::Cluster
    Properties:
      ClusterName: events
      LoggingInfo:
        BrokerLogs:
          CloudWatchLogs:
            Enabled: true
            LogGroup: !Ref MskLogs
"#,
        }),
    },
};

const DESTINATIONS: [&str; 3] = ["cloudwatch_logs", "firehose", "s3"];
const CFN_DESTINATIONS: [&str; 3] = ["CloudWatchLogs", "Firehose", "S3"];
const FIX: &str = "Send broker logs to CloudWatch (choose the log group)";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_msk_cluster").collect::<Vec<_>>() {
        let mut unknown = false;
        let mut enabled = false;
        let mut off = Vec::new();
        for info in ctx.nested(res.config(), "logging_info") {
            for logs in ctx.nested(info, "broker_logs") {
                for d in DESTINATIONS {
                    for dest in ctx.nested(logs, d) {
                        match ctx.field(dest, "enabled") {
                            Some((_, v)) if v.as_bool() == Some(true) => enabled = true,
                            Some((_, v)) if !v.is_known() => unknown = true,
                            Some((field, _)) => off.push(field.range),
                            None => off.push(dest.header()),
                        }
                    }
                }
            }
        }
        if enabled || unknown {
            continue;
        }
        let message = format!("`{}` delivers its broker logs nowhere", res.address());
        if off.is_empty() {
            let text = "logging_info {\n  broker_logs {\n    cloudwatch_logs {\n      enabled   = true\n      log_group = aws_cloudwatch_log_group.msk.name # TODO: your log group\n    }\n  }\n}";
            let fix = ctx
                .nested(res.config(), "logging_info")
                .is_empty()
                .then(|| Fix::unsafe_(FIX, vec![edit::insert_in_block(ctx.file(res), res.block, text)]));
            ctx.report(res, res.block.header, message).fixes.extend(fix);
            continue;
        }
        for range in off {
            ctx.report(res, range, message.clone());
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::MSK::Cluster").collect::<Vec<_>>() {
        let id = res.logical_id;
        let Some((logs, _)) = ctx.prop(res, "LoggingInfo.BrokerLogs").filter(|(_, v)| *v != Value::Null) else {
            if ctx.prop(res, "LoggingInfo").is_some_and(|(n, _)| n.intrinsic().is_some()) {
                continue;
            }
            let value = json!({"BrokerLogs": {"CloudWatchLogs": {"Enabled": true, "LogGroup": "<log-group-name>"}}});
            let fix = Fix::unsafe_(FIX, vec![cfn_edit::set_property(ctx.template, res, "LoggingInfo", &value)]);
            let range = ctx.header(res);
            ctx.report(res, range, format!("`{id}` delivers its broker logs nowhere")).fixes.push(fix);
            continue;
        };
        if logs.intrinsic().is_some() {
            continue;
        }
        let mut off = Vec::new();
        let mut on = false;
        for d in CFN_DESTINATIONS {
            let Some(dest) = logs.get(d) else { continue };
            match dest.entry("Enabled") {
                Some(e) => match ctx.eval(&e.value).as_bool() {
                    Some(true) => on = true,
                    Some(false) => off.push(e.range),
                    None => on = true,
                },
                None => off.push(dest.range),
            }
        }
        if on {
            continue;
        }
        if off.is_empty() {
            off.push(ctx.prop_range(res, "LoggingInfo").unwrap_or(logs.range));
        }
        for range in off {
            ctx.report(res, range, format!("`{id}` delivers its broker logs nowhere"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn no_log_destination() {
        let tf = "resource \"aws_msk_cluster\" \"a\" {\n  logging_info {\n    broker_logs {\n      cloudwatch_logs {\n        enabled = false\n      }\n      firehose {\n        delivery_stream = \"x\"\n      }\n    }\n  }\n}\nresource \"aws_msk_cluster\" \"b\" {\n}\nresource \"aws_msk_cluster\" \"c\" {\n  logging_info {\n    broker_logs {\n      s3 {\n        enabled = true\n      }\n    }\n  }\n}\n";
        assert_eq!(lines(&RULE, tf), [5, 7, 13]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::MSK::Cluster\n    Properties:\n      LoggingInfo:\n        BrokerLogs:\n          CloudWatchLogs:\n            Enabled: false\n          S3:\n            Enabled: true\n  B:\n    Type: AWS::MSK::Cluster\n    Properties:\n      ClusterName: b\n";
        assert_eq!(cfn_lines(&RULE, yaml), [11]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
