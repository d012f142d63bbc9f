use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::kit::opensearch::{self, PublishedLog};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "opensearch-slow-logs-disabled",
    title: "OpenSearch domain does not publish search or index slow logs",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "OpenSearch",
    why: "Slow logs show the expensive or malicious queries (scraping, denial of service through heavy \
          aggregations) that application logs do not.",
    aws_side: "OpenSearch publishes the log types you enable to CloudWatch Logs; enabling them is the customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["e979fcbc-df6c-422d-9458-c33d65e71c45", "086ea2eb-14a6-4fd4-914b-38e0bc8703e8"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags OpenSearch and Elasticsearch domains that enable neither `INDEX_SLOW_LOGS` nor \
               `SEARCH_SLOW_LOGS`, or that declare one of them disabled.",
        fix: "Publish `SEARCH_SLOW_LOGS` and `INDEX_SLOW_LOGS` to a CloudWatch Logs log group, enabled.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_opensearch_domain", "aws_elasticsearch_domain"],
            check,
            example: r#"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  log_publishing_options {
    cloudwatch_log_group_arn = aws_cloudwatch_log_group.app.arn
    log_type                 = "ES_APPLICATION_LOGS"
  }
}"#,
            fixed_example: r#"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  log_publishing_options {
    cloudwatch_log_group_arn = aws_cloudwatch_log_group.app.arn
    log_type                 = "ES_APPLICATION_LOGS"
  }
  log_publishing_options {
    cloudwatch_log_group_arn = aws_cloudwatch_log_group.slow.arn
    log_type                 = "SEARCH_SLOW_LOGS"
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
        ES_APPLICATION_LOGS:
          CloudWatchLogsLogGroupArn: !GetAtt AppLogs.Arn
          Enabled: true
"#,
            fixed_example: r#"Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      LogPublishingOptions:
        ES_APPLICATION_LOGS:
          CloudWatchLogsLogGroupArn: !GetAtt AppLogs.Arn
          Enabled: true
        SEARCH_SLOW_LOGS:
          CloudWatchLogsLogGroupArn: !GetAtt SlowLogs.Arn
          Enabled: true
"#,
        }),
    },
};

fn is_slow(log: &PublishedLog) -> Option<bool> {
    log.log_type.as_deref().map(|t| t == "INDEX_SLOW_LOGS" || t == "SEARCH_SLOW_LOGS")
}

/// What is wrong with a domain's slow logs; `None` when nothing is, or it cannot be told.
fn lack(logs: &[PublishedLog]) -> Option<String> {
    if logs.iter().any(|l| is_slow(l).is_none() || (is_slow(l) == Some(true) && l.enabled.is_none())) {
        return None;
    }
    let slow: Vec<&PublishedLog> = logs.iter().filter(|l| is_slow(l) == Some(true)).collect();
    if let Some(off) = slow.iter().find(|l| l.enabled == Some(false)) {
        return Some(format!("turns off its `{}`", off.log_type.as_deref().unwrap_or("")));
    }
    slow.is_empty().then(|| "publishes no search or index slow logs".to_string())
}

const FIX: &str = "Publish search slow logs (log group to replace)";

fn check(ctx: &mut TfContext) {
    for domain in opensearch::domains(ctx) {
        let Some(logs) = opensearch::published_logs(ctx, domain) else { continue };
        if let Some(what) = lack(&logs) {
            let message = format!("`{}` {what}: expensive or abusive queries go unseen", domain.address());
            let fix = logs.iter().all(|l| is_slow(l) == Some(false)).then(|| {
                let text = "log_publishing_options {\n  cloudwatch_log_group_arn = \"<log-group-arn>\"\n  log_type                 = \"SEARCH_SLOW_LOGS\"\n}";
                Fix::unsafe_(FIX, vec![edit::insert_in_block(ctx.file(domain), domain.block, text)])
            });
            ctx.report(domain, domain.block.header, message).fixes.extend(fix);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for domain in opensearch::cfn_domains(ctx) {
        let Some(logs) = opensearch::cfn_published_logs(ctx, domain) else { continue };
        if let Some(what) = lack(&logs) {
            let message = format!("`{}` {what}: expensive or abusive queries go unseen", domain.logical_id);
            let slow = json!({"CloudWatchLogsLogGroupArn": "<log-group-arn>", "Enabled": true});
            let edit = if logs.iter().any(|l| is_slow(l) == Some(true)) {
                None
            } else {
                Some(match ctx.prop(domain, "LogPublishingOptions") {
                    Some((options, _)) => cfn_edit::set_key(ctx.template, options, "SEARCH_SLOW_LOGS", &slow),
                    None => cfn_edit::set_property(
                        ctx.template,
                        domain,
                        "LogPublishingOptions",
                        &json!({"SEARCH_SLOW_LOGS": slow}),
                    ),
                })
            };
            let range = ctx.header(domain);
            ctx.report(domain, range, message).fixes.extend(edit.map(|e| Fix::unsafe_(FIX, vec![e])));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_domains_without_slow_logs() {
        let tf = r#"resource "aws_elasticsearch_domain" "application_only" {
  log_publishing_options {
    log_type = "ES_APPLICATION_LOGS"
    enabled  = true
  }
}
resource "aws_elasticsearch_domain" "index_slow" {
  log_publishing_options {
    log_type = "INDEX_SLOW_LOGS"
  }
}
resource "aws_opensearch_domain" "search_slow_off" {
  log_publishing_options {
    log_type = "INDEX_SLOW_LOGS"
  }
  log_publishing_options {
    log_type = "SEARCH_SLOW_LOGS"
    enabled  = false
  }
}
resource "aws_opensearch_domain" "unknown_type" {
  log_publishing_options {
    log_type = var.type
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [12, 1]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = r#"Resources:
  Off:
    Type: AWS::Elasticsearch::Domain
    Properties:
      LogPublishingOptions:
        SEARCH_SLOW_LOGS: {Enabled: "false"}
        INDEX_SLOW_LOGS: {Enabled: "true"}
  None:
    Type: AWS::OpenSearchService::Domain
  Both:
    Type: AWS::OpenSearchService::Domain
    Properties:
      LogPublishingOptions:
        SEARCH_SLOW_LOGS: {Enabled: true}
        INDEX_SLOW_LOGS: {Enabled: true}
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [8, 2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
