use crate::cloudformation::check::CfnContext;
use crate::fix::Fix;
use crate::kit::references::{cfn_naming, tf_naming};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "waf-logging-disabled",
    title: "WAF web ACL does not log inspected requests",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "WAF",
    why: "Without WAF logs nobody can see which requests were blocked or allowed by which rule, so attacks and \
          false positives alike go unnoticed.",
    aws_side: "WAF streams logs to the destination the customer provides (a log group named `aws-waf-logs-*`, S3 \
               or Firehose).",
    equivalents: Equivalents { checkov: &["CKV2_AWS_31", "CKV_AWS_176"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_wafv2_web_acl` that no `aws_wafv2_web_acl_logging_configuration` names, and classic \
               `aws_waf_web_acl` / `aws_wafregional_web_acl` without `logging_configuration.log_destination`; in \
               CloudFormation, `AWS::WAFv2::WebACL` that no `AWS::WAFv2::LoggingConfiguration` names.",
        fix: "Add an `aws_wafv2_web_acl_logging_configuration` with `resource_arn = aws_wafv2_web_acl.<name>.arn` and \
              `log_destination_configs` (a log group named `aws-waf-logs-*`, a bucket or a Firehose stream).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_wafv2_web_acl", "aws_waf_web_acl", "aws_wafregional_web_acl"],
            check,
            example: r#"resource "aws_wafv2_web_acl" "web" {
  name  = "web"
  scope = "REGIONAL"
}"#,
            fixed_example: r#"resource "aws_wafv2_web_acl" "web" {
  name  = "web"
  scope = "REGIONAL"
}

resource "aws_wafv2_web_acl_logging_configuration" "web" {
  resource_arn            = aws_wafv2_web_acl.web.arn
  log_destination_configs = [aws_cloudwatch_log_group.waf.arn]
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::WAFv2::WebACL"],
            check: check_cfn,
            example: r#"Resources:
  Web:
    Type: AWS::WAFv2::WebACL
    Properties:
      Scope: REGIONAL
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::WAFv2::WebACL
    Properties:
      Scope: REGIONAL
  WebLogging:
    Type: AWS::WAFv2::LoggingConfiguration
    Properties:
      ResourceArn: !GetAtt Web.Arn
      LogDestinationConfigs: [!GetAtt WafLogs.Arn]
"#,
        }),
    },
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_wafv2_web_acl").collect::<Vec<_>>() {
        if !tf_naming(ctx, res, &["aws_wafv2_web_acl_logging_configuration"], "resource_arn").is_empty() {
            continue;
        }
        // An unknown logging configuration may be this ACL's.
        let unknown = ctx.all_resources("aws_wafv2_web_acl_logging_configuration").any(|l| {
            l.block.attr("resource_arn").is_some_and(|a| {
                !ctx.eval(&a.expr).is_known() && !crate::kit::references::tf_mentions_type(&a.expr, "aws_wafv2_web_acl")
            })
        });
        if unknown {
            continue;
        }
        let text = format!(
            "resource \"aws_wafv2_web_acl_logging_configuration\" \"{name}\" {{\n  resource_arn            = {address}.arn\n  log_destination_configs = [aws_cloudwatch_log_group.TODO.arn] # TODO: a log group named aws-waf-logs-*\n}}",
            name = res.name(),
            address = res.address()
        );
        let fix = Fix::unsafe_(
            "Log the ACL's requests (choose the destination)",
            vec![edit::insert_after(ctx.file(res), res.block, &text)],
        );
        ctx.report_with_fix(
            res,
            res.block.header,
            format!("`{}` has no logging configuration, so inspected requests are not logged", res.address()),
            fix,
        );
    }
    for ty in ["aws_waf_web_acl", "aws_wafregional_web_acl"] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let configs = ctx.nested(res.config(), "logging_configuration");
            let logged = configs.iter().any(|c| match ctx.field(*c, "log_destination") {
                Some((_, Value::String(s))) => !s.trim().is_empty(),
                Some((_, _)) => true,
                None => false,
            });
            if logged || configs.iter().any(|c| c.is_dynamic()) {
                continue;
            }
            let text = "logging_configuration {\n  log_destination = aws_kinesis_firehose_delivery_stream.TODO.arn # TODO: an aws-waf-logs-* stream\n}";
            let fix = (configs.is_empty()).then(|| {
                Fix::unsafe_(
                    "Log the ACL's requests (choose the destination)",
                    vec![edit::insert_in_block(ctx.file(res), res.block, text)],
                )
            });
            let finding = ctx.report(
                res,
                res.block.header,
                format!(
                    "`{}` has no `logging_configuration.log_destination`, so inspected requests are not logged",
                    res.address()
                ),
            );
            finding.fixes.extend(fix);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::WAFv2::WebACL").collect::<Vec<_>>() {
        if !cfn_naming(ctx, res, &["AWS::WAFv2::LoggingConfiguration"], "ResourceArn").is_empty() {
            continue;
        }
        let range = ctx.header(res);
        ctx.report(
            res,
            range,
            format!(
                "`{}` has no `AWS::WAFv2::LoggingConfiguration`, so inspected requests are not logged",
                res.logical_id
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_fixes, lines};

    #[test]
    fn acls_without_logging() {
        let tf = r#"resource "aws_wafv2_web_acl" "a" {
}
resource "aws_wafv2_web_acl" "b" {
}
resource "aws_wafv2_web_acl_logging_configuration" "b" {
  resource_arn = aws_wafv2_web_acl.b.arn
}
resource "aws_waf_web_acl" "c" {
}
resource "aws_wafregional_web_acl" "d" {
  logging_configuration {
    log_destination = aws_kinesis_firehose_delivery_stream.s.arn
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 8]);
        assert_eq!(check_fixes(&RULE, tf), 2);
        let yaml = "Resources:\n  A:\n    Type: AWS::WAFv2::WebACL\n  B:\n    Type: AWS::WAFv2::WebACL\n  L:\n    Type: AWS::WAFv2::LoggingConfiguration\n    Properties:\n      ResourceArn: !GetAtt B.Arn\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
    }
}
