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
    id: "opensearch-audit-logs-disabled",
    title: "OpenSearch domain does not publish audit logs",
    severity: Severity::Medium,
    row: Row::Compliance,
    service: "OpenSearch",
    why: "Audit logs record who authenticated and which indices and documents they touched: the record needed after \
          a data-access incident. They need fine-grained access control.",
    aws_side: "OpenSearch produces audit logs only with fine-grained access control and the log type enabled; both \
               are the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_317"],
        kics: &[],
        trivy: &["AVD-AWS-0042", "aws-elastic-search-enable-domain-logging"],
        how: "CKV_AWS_317 fails an `AUDIT_LOGS` block that leaves `enabled` out (the provider's default is true).",
    },
    matcher: &Custom {
        what: "Flags OpenSearch and Elasticsearch domains without an enabled `AUDIT_LOGS` log publishing option.",
        fix: "Enable fine-grained access control and publish `AUDIT_LOGS` to a CloudWatch Logs log group.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_opensearch_domain", "aws_elasticsearch_domain"],
            check,
            example: r#"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
}"#,
            fixed_example: r#"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  log_publishing_options {
    cloudwatch_log_group_arn = aws_cloudwatch_log_group.audit.arn
    log_type                 = "AUDIT_LOGS"
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
      DomainName: search
"#,
            fixed_example: r#"Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      DomainName: search
      LogPublishingOptions:
        AUDIT_LOGS:
          CloudWatchLogsLogGroupArn: !GetAtt AuditLogs.Arn
          Enabled: true
"#,
        }),
    },
};

/// Whether audit logs are enabled; `None` when it cannot be told.
fn audited(logs: &[PublishedLog]) -> Option<bool> {
    if logs.iter().any(|l| l.log_type.is_none()) {
        return None;
    }
    let audit: Vec<&PublishedLog> = logs.iter().filter(|l| l.log_type.as_deref() == Some("AUDIT_LOGS")).collect();
    if audit.iter().any(|l| l.enabled == Some(true)) {
        return Some(true);
    }
    if audit.iter().any(|l| l.enabled.is_none()) {
        return None;
    }
    Some(false)
}

const FIX: &str = "Publish audit logs (log group to replace; needs fine-grained access control)";

const WHAT: &str = "publishes no audit logs: there is no record of who read or changed which documents";

fn check(ctx: &mut TfContext) {
    for domain in opensearch::domains(ctx) {
        let Some(logs) = opensearch::published_logs(ctx, domain) else { continue };
        if audited(&logs) == Some(false) {
            let fix = logs.iter().all(|l| l.log_type.as_deref() != Some("AUDIT_LOGS")).then(|| {
                let text = "log_publishing_options {\n  cloudwatch_log_group_arn = \"<log-group-arn>\"\n  log_type                 = \"AUDIT_LOGS\"\n}";
                Fix::unsafe_(FIX, vec![edit::insert_in_block(ctx.file(domain), domain.block, text)])
            });
            ctx.report(domain, domain.block.header, format!("`{}` {WHAT}", domain.address())).fixes.extend(fix);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for domain in opensearch::cfn_domains(ctx) {
        let Some(logs) = opensearch::cfn_published_logs(ctx, domain) else { continue };
        if audited(&logs) == Some(false) {
            let audit = json!({"CloudWatchLogsLogGroupArn": "<log-group-arn>", "Enabled": true});
            let edit =
                match (ctx.prop(domain, "LogPublishingOptions"), ctx.prop(domain, "LogPublishingOptions.AUDIT_LOGS")) {
                    (_, Some((entry, _))) => cfn_edit::set_key(ctx.template, entry, "Enabled", &json!(true)),
                    (Some((options, _)), None) => cfn_edit::set_key(ctx.template, options, "AUDIT_LOGS", &audit),
                    (None, None) => cfn_edit::set_property(
                        ctx.template,
                        domain,
                        "LogPublishingOptions",
                        &json!({"AUDIT_LOGS": audit}),
                    ),
                };
            let range = ctx.header(domain);
            ctx.report(domain, range, format!("`{}` {WHAT}", domain.logical_id))
                .fixes
                .push(Fix::unsafe_(FIX, vec![edit]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_domains_without_audit_logs() {
        let tf = r#"resource "aws_opensearch_domain" "none" {
  domain_name = "a"
}
resource "aws_opensearch_domain" "audit_default_enabled" {
  log_publishing_options {
    log_type = "AUDIT_LOGS"
  }
}
resource "aws_opensearch_domain" "audit_off" {
  log_publishing_options {
    log_type = "AUDIT_LOGS"
    enabled  = false
  }
}
resource "aws_opensearch_domain" "unknown" {
  log_publishing_options {
    log_type = "AUDIT_LOGS"
    enabled  = var.on
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 9]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::OpenSearchService::Domain\n    Properties:\n      LogPublishingOptions:\n        AUDIT_LOGS: {Enabled: true}\n  B:\n    Type: AWS::OpenSearchService::Domain\n    Properties:\n      LogPublishingOptions:\n        AUDIT_LOGS: {CloudWatchLogsLogGroupArn: x}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [7]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
