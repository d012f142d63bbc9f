use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::kit::opensearch;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "opensearch-logging-disabled",
    title: "OpenSearch domain publishes no logs, or has a log type turned off",
    severity: Severity::Medium,
    row: Row::Compliance,
    service: "OpenSearch",
    why: "Without application, slow and audit logs there is nothing to investigate abuse, failed authentication or \
          data access on the cluster with.",
    aws_side: "OpenSearch publishes the log types you enable to CloudWatch Logs; enabling them is the customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["acb6b4e2-a086-4f35-aefd-4db6ea51ada2", "edbd62d4-8700-41de-b000-b3cfebb5e996"],
        trivy: &[],
    },
    related: Related {
        checkov: &["CKV_AWS_84"],
        kics: &[],
        trivy: &[],
        how: "CKV_AWS_84 reads only the first `log_publishing_options` block in Terraform, and passes a template \
              when any log type is enabled.",
    },
    matcher: &Custom {
        what: "Flags OpenSearch and Elasticsearch domains without `log_publishing_options` (`LogPublishingOptions`), \
               and each log type whose `enabled` is `false` (in CloudFormation, an entry whose `Enabled` is false \
               or missing).",
        fix: "Publish the application, slow and audit logs to CloudWatch Logs (`log_publishing_options { log_type \
              cloudwatch_log_group_arn }`), and enable every type you declare.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_opensearch_domain", "aws_elasticsearch_domain"],
            check,
            example: r#"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  log_publishing_options {
    cloudwatch_log_group_arn = aws_cloudwatch_log_group.search.arn
    log_type                 = "INDEX_SLOW_LOGS"
    enabled                  = false
  }
}"#,
            fixed_example: r#"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  log_publishing_options {
    cloudwatch_log_group_arn = aws_cloudwatch_log_group.search.arn
    log_type                 = "INDEX_SLOW_LOGS"
    enabled                  = true
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &opensearch::CFN_DOMAINS,
            check: check_cfn,
            example: r#"Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      LogPublishingOptions:
        SEARCH_SLOW_LOGS:
          CloudWatchLogsLogGroupArn: !GetAtt SlowLogs.Arn
          Enabled: false
"#,
            fixed_example: r#"Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      LogPublishingOptions:
        SEARCH_SLOW_LOGS:
          CloudWatchLogsLogGroupArn: !GetAtt SlowLogs.Arn
          Enabled: true
"#,
        }),
    },
};

const FIX: &str = "Enable the log type";
const NONE: &str = "publishes no logs: there is nothing to investigate abuse or data access with";

fn check(ctx: &mut TfContext) {
    for domain in opensearch::domains(ctx) {
        let Some(logs) = opensearch::published_logs(ctx, domain) else { continue };
        if logs.is_empty() {
            ctx.report(domain, domain.block.header, format!("`{}` {NONE}", domain.address()));
            continue;
        }
        for log in logs.iter().filter(|l| l.enabled == Some(false)) {
            let what = log.log_type.as_deref().unwrap_or("a log type");
            let message = format!("`{}` turns off its `{what}` logs", domain.address());
            let fix = log.enabled_value.map(|r| Fix::new(FIX, vec![Edit { range: r, text: "true".into() }]));
            ctx.report(domain, log.range, message).fixes.extend(fix);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for domain in opensearch::cfn_domains(ctx) {
        let Some(logs) = opensearch::cfn_published_logs(ctx, domain) else { continue };
        if logs.is_empty() {
            let range = ctx.header(domain);
            ctx.report(domain, range, format!("`{}` {NONE}", domain.logical_id));
            continue;
        }
        for log in logs.iter().filter(|l| l.enabled == Some(false)) {
            let what = log.log_type.clone().unwrap_or_default();
            let path = format!("LogPublishingOptions.{what}");
            let fix = match (ctx.prop(domain, &format!("{path}.Enabled")), ctx.prop(domain, &path)) {
                (Some((node, _)), _) => Some(cfn_edit::replace_value(ctx.template, node, &json!(true))),
                (None, Some((entry, _))) => Some(cfn_edit::set_key(ctx.template, entry, "Enabled", &json!(true))),
                _ => None,
            };
            let message = format!("`{}` does not enable its `{what}` logs", domain.logical_id);
            ctx.report(domain, log.range, message).fixes.extend(fix.map(|e| Fix::new(FIX, vec![e])));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_missing_and_disabled_logs() {
        let tf = r#"resource "aws_elasticsearch_domain" "disabled" {
  log_publishing_options {
    log_type = "INDEX_SLOW_LOGS"
    enabled  = false
  }
}
resource "aws_elasticsearch_domain" "none" {
  domain_name = "example"
}
resource "aws_opensearch_domain" "default_enabled" {
  log_publishing_options {
    log_type = "AUDIT_LOGS"
  }
}
resource "aws_opensearch_domain" "dynamic" {
  dynamic "log_publishing_options" {
    for_each = var.logs
    content {
      log_type = log_publishing_options.value
    }
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 7]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn cloudformation_log_publishing() {
        let yaml = r#"Resources:
  Mixed:
    Type: AWS::Elasticsearch::Domain
    Properties:
      LogPublishingOptions:
        SEARCH_SLOW_LOGS:
          Enabled: "false"
        INDEX_SLOW_LOGS:
          Enabled: "true"
        AUDIT_LOGS:
          CloudWatchLogsLogGroupArn: arn
  None:
    Type: AWS::OpenSearchService::Domain
    Properties:
      DomainName: n
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [12, 6, 10]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
