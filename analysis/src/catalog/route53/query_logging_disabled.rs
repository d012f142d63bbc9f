use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::kit::references::tf_naming;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "route53-query-logging-disabled",
    title: "Route 53 public hosted zone does not log DNS queries",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "Route 53",
    why: "DNS query logs show which names are being resolved (reconnaissance, algorithmically generated domains, \
          exfiltration over DNS) and are otherwise not kept.",
    aws_side: "Route 53 writes query logs to CloudWatch Logs in us-east-1 once configured.",
    equivalents: Equivalents {
        checkov: &["CKV2_AWS_39"],
        kics: &["7dbba512-e244-42dc-98bb-422339827967", "0f0fb06b-0f2f-4374-8588-f2c7c348c7a0"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags public `aws_route53_zone` (no `vpc` block) that no `aws_route53_query_log` names, and \
               `aws_route53_query_log` without a `zone_id` (it configures nothing; a zone whose query log of the \
               same name lacks one is reported there, once); in CloudFormation, public `AWS::Route53::HostedZone` \
               (no `VPCs`) without `QueryLoggingConfig`.",
        fix: "Add an `aws_route53_query_log` with `zone_id = aws_route53_zone.<name>.zone_id` and a log group in \
              us-east-1 (with a resource policy letting Route 53 write to it).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_route53_zone", "aws_route53_query_log"],
            check,
            example: r#"resource "aws_route53_zone" "public" {
  name = "example.com"
}"#,
            fixed_example: r#"resource "aws_route53_zone" "public" {
  name = "example.com"
}

resource "aws_route53_query_log" "public" {
  zone_id                  = aws_route53_zone.public.zone_id
  cloudwatch_log_group_arn = aws_cloudwatch_log_group.dns.arn
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Route53::HostedZone"],
            check: check_cfn,
            example: r#"Resources:
  Public:
    Type: AWS::Route53::HostedZone
    Properties:
      Name: example.com
"#,
            fixed_example: r#"Resources:
  Public:
    Type: AWS::Route53::HostedZone
    Properties:
      Name: example.com
      QueryLoggingConfig:
        CloudWatchLogsLogGroupArn: !GetAtt DnsLogs.Arn
"#,
        }),
    },
};

fn private(ctx: &TfContext, zone: Resource) -> bool {
    !ctx.nested(zone.config(), "vpc").is_empty() || zone.block.attr("vpc").is_some()
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_route53_zone").collect::<Vec<_>>() {
        if private(ctx, res) || !tf_naming(ctx, res, &["aws_route53_query_log"], "zone_id").is_empty() {
            continue;
        }
        // A query log of the zone's name without a `zone_id` is reported on itself; one whose zone cannot be told
        // may be this zone's.
        let half_written = ctx.all_resources("aws_route53_query_log").any(|q| {
            (q.name() == res.name() && q.block.attr("zone_id").is_none())
                || q.block.attr("zone_id").is_some_and(|z| {
                    !ctx.eval(&z.expr).is_known()
                        && !crate::kit::references::tf_mentions_type(&z.expr, "aws_route53_zone")
                })
        });
        if half_written {
            continue;
        }
        let text = format!(
            "resource \"aws_route53_query_log\" \"{name}\" {{\n  zone_id                  = {address}.zone_id\n  cloudwatch_log_group_arn = aws_cloudwatch_log_group.TODO.arn # TODO: a log group in us-east-1\n}}",
            name = res.name(),
            address = res.address()
        );
        let fix = Fix::unsafe_(
            "Log the zone's queries (choose the log group)",
            vec![edit::insert_after(ctx.file(res), res.block, &text)],
        );
        ctx.report_with_fix(
            res,
            res.block.header,
            format!("`{}` is a public zone whose DNS queries are not logged", res.address()),
            fix,
        );
    }
    for res in ctx.resources("aws_route53_query_log").collect::<Vec<_>>() {
        if matches!(ctx.attr(res.block, "zone_id"), Some((_, v)) if v != Value::String(String::new())) {
            continue;
        }
        let range = res.block.attr("cloudwatch_log_group_arn").map_or(res.block.header, |a| a.range);
        ctx.report(res, range, format!("`{}` names no `zone_id`, so it logs no zone's queries", res.address()));
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Route53::HostedZone").collect::<Vec<_>>() {
        if ctx.prop(res, "VPCs").is_some() || ctx.prop(res, "QueryLoggingConfig").is_some_and(|(_, v)| v != Value::Null)
        {
            continue;
        }
        let value = json!({"CloudWatchLogsLogGroupArn": "<log-group-arn>"});
        let fix = Fix::unsafe_(
            "Log the zone's queries (choose the log group)",
            vec![cfn_edit::set_property(ctx.template, res, "QueryLoggingConfig", &value)],
        );
        let range = ctx.header(res);
        ctx.report(res, range, format!("`{}` is a public zone whose DNS queries are not logged", res.logical_id))
            .fixes
            .push(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn zones_without_query_logs() {
        let tf = r#"resource "aws_route53_zone" "no_query_log" {
  name = "example.com"
}
resource "aws_route53_zone" "log_group_mismatch" {
  name = "example.com"
}
resource "aws_route53_query_log" "log_group_mismatch" {
  cloudwatch_log_group_arn = aws_cloudwatch_log_group.l.arn
}
resource "aws_route53_zone" "logged" {
  name = "example.org"
}
resource "aws_route53_query_log" "logged" {
  zone_id = aws_route53_zone.logged.zone_id
}
resource "aws_route53_zone" "private" {
  vpc {
    vpc_id = var.vpc
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 8]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::Route53::HostedZone\n    Properties:\n      Name: a\n  B:\n    Type: AWS::Route53::HostedZone\n    Properties:\n      VPCs: [{VPCId: v, VPCRegion: r}]\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
