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
    id: "sfn-logging-disabled",
    title: "Step Functions state machine does not log executions",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "Step Functions",
    why: "Without execution logs, failed or tampered workflows (payments, provisioning) leave no record beyond the \
          90 days of execution history.",
    aws_side: "Step Functions delivers execution events to the log group the customer configures.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_285"],
        kics: &[],
        trivy: &[],
        how: "CKV_AWS_285 demands `include_execution_data`, which copies payloads into the logs; onus only demands \
              logging.",
    },
    matcher: &Custom {
        what: "Flags `aws_sfn_state_machine` without `logging_configuration`, whose `level` is absent or `OFF`, or \
               without a `log_destination`; in CloudFormation, `AWS::StepFunctions::StateMachine` \
               `LoggingConfiguration` likewise (`Level`, `Destinations`).",
        fix: "Set `logging_configuration { level = \"ERROR\", log_destination = \"${aws_cloudwatch_log_group.<lg>.arn}:*\" }` \
              (`include_execution_data` copies payloads into the logs: leave it off for sensitive data).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_sfn_state_machine"],
            check,
            example: r#"resource "aws_sfn_state_machine" "orders" {
  name       = "orders"
  role_arn   = aws_iam_role.sfn.arn
  definition = file("orders.asl.json")
}"#,
            fixed_example: r#"resource "aws_sfn_state_machine" "orders" {
  name       = "orders"
  role_arn   = aws_iam_role.sfn.arn
  definition = file("orders.asl.json")
  logging_configuration {
    log_destination = "${aws_cloudwatch_log_group.sfn.arn}:*"
    level           = "ERROR"
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::StepFunctions::StateMachine"],
            check: check_cfn,
            example: r#"Resources:
  Orders:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: !GetAtt SfnRole.Arn
      LoggingConfiguration:
        Level: 'OFF'
"#,
            fixed_example: r#"Resources:
  Orders:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: !GetAtt SfnRole.Arn
      LoggingConfiguration:
        Level: ERROR
        Destinations:
          - CloudWatchLogsLogGroup:
              LogGroupArn: !GetAtt SfnLogs.Arn
"#,
        }),
    },
};

const FIX: &str = "Log execution errors (choose the log group)";
const DESTINATION: &str = "log_destination = \"${aws_cloudwatch_log_group.TODO.arn}:*\" # TODO: your log group";

fn off(level: &str) -> bool {
    level.trim().is_empty() || level.eq_ignore_ascii_case("OFF")
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_sfn_state_machine").collect::<Vec<_>>() {
        let file = ctx.file(res);
        let address = res.address();
        let configs = ctx.nested(res.config(), "logging_configuration");
        if configs.is_empty() {
            let text = "logging_configuration {\n  log_destination = \"${aws_cloudwatch_log_group.TODO.arn}:*\" # TODO: your log group\n  level           = \"ERROR\"\n}";
            let fix = Fix::unsafe_(FIX, vec![edit::insert_in_block(file, res.block, text)]);
            ctx.report_with_fix(
                res,
                res.block.header,
                format!("`{address}` has no `logging_configuration`, so its executions are not logged"),
                fix,
            );
        }
        for config in configs {
            // The destination the fix adds with the level, when there is none.
            let destination = config.attr("log_destination").is_none().then_some(DESTINATION);
            match ctx.field(config, "level") {
                None => {
                    let lines: Vec<&str> = ["level = \"ERROR\""].into_iter().chain(destination).collect();
                    let fix = config
                        .block()
                        .map(|b| Fix::unsafe_(FIX, vec![edit::insert_in_block(file, b, &lines.join("\n"))]));
                    ctx.report(
                        res,
                        config.header(),
                        format!("`{address}` does not set `logging_configuration.level`, so it is `OFF`"),
                    )
                    .fixes
                    .extend(fix);
                    continue;
                }
                Some((field, Value::String(l))) if off(&l) => {
                    let mut edits = vec![Edit { range: field.expr.range, text: "\"ERROR\"".into() }];
                    if let (Some(d), Some(b)) = (destination, config.block()) {
                        edits.push(edit::insert_in_block(file, b, d));
                    }
                    let fix = Fix::unsafe_(FIX, edits);
                    ctx.report_with_fix(res, field.range, format!("`{address}` sets `logging_configuration.level = \"{l}\"`, so its executions are not logged"), fix);
                    continue;
                }
                _ => {}
            }
            match ctx.field(config, "log_destination") {
                None => {
                    ctx.report(res, config.header(), format!("`{address}` logs to no `log_destination`"));
                }
                Some((field, Value::String(d))) if d.trim().is_empty() => {
                    ctx.report(res, field.range, format!("`{address}` logs to an empty `log_destination`"));
                }
                _ => {}
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::StepFunctions::StateMachine").collect::<Vec<_>>() {
        let id = res.logical_id;
        let Some((config, _)) = ctx.prop(res, "LoggingConfiguration").filter(|(_, v)| *v != Value::Null) else {
            let value = json!({"Level": "ERROR", "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": "<log-group-arn>"}}]});
            let fix =
                Fix::unsafe_(FIX, vec![cfn_edit::set_property(ctx.template, res, "LoggingConfiguration", &value)]);
            let range = ctx.header(res);
            ctx.report(res, range, format!("`{id}` has no `LoggingConfiguration`, so its executions are not logged"))
                .fixes
                .push(fix);
            continue;
        };
        if config.intrinsic().is_some() {
            continue;
        }
        let range = ctx.prop_range(res, "LoggingConfiguration").unwrap_or(config.range);
        match config.get("Level").map(|n| ctx.eval(n)) {
            None => {
                ctx.report(res, range, format!("`{id}` does not set `LoggingConfiguration.Level`, so it is `OFF`"));
                continue;
            }
            Some(Value::String(l)) if off(&l) => {
                let node = config.get("Level").expect("checked");
                let fix = Fix::unsafe_(FIX, vec![cfn_edit::replace_value(ctx.template, node, &json!("ERROR"))]);
                let finding = ctx.report(
                    res,
                    range,
                    format!("`{id}` sets `LoggingConfiguration.Level: {l}`, so its executions are not logged"),
                );
                if config.get("Destinations").is_some() {
                    finding.fixes.push(fix);
                }
                continue;
            }
            _ => {}
        }
        let destinations = config.get("Destinations").map(|n| ctx.eval(n));
        if destinations.as_ref().is_none_or(|d| d.as_list().is_some_and(|l| l.is_empty())) {
            ctx.report(res, range, format!("`{id}` logs to no `Destinations`"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_fixes, lines};

    #[test]
    fn state_machines_without_logs() {
        let tf = "resource \"aws_sfn_state_machine\" \"a\" {\n}\nresource \"aws_sfn_state_machine\" \"b\" {\n  logging_configuration {\n    level = \"OFF\"\n  }\n}\nresource \"aws_sfn_state_machine\" \"c\" {\n  logging_configuration {\n    level           = \"ALL\"\n    log_destination = \"${aws_cloudwatch_log_group.l.arn}:*\"\n  }\n}\nresource \"aws_sfn_state_machine\" \"d\" {\n  logging_configuration {\n    level = \"ERROR\"\n  }\n}\n";
        assert_eq!(lines(&RULE, tf), [1, 5, 15]);
        assert_eq!(check_fixes(&RULE, tf), 2);
        let yaml = "Resources:\n  A:\n    Type: AWS::StepFunctions::StateMachine\n  B:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      LoggingConfiguration:\n        Level: ERROR\n        Destinations:\n          - CloudWatchLogsLogGroup: {LogGroupArn: !GetAtt L.Arn}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
    }
}
