use crate::kit::metric_alarms::MetricAlarm;
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "cloudwatch-alarm-missing-nacl-changes",
    title: "No CloudWatch metric filter and alarm for network ACL changes",
    severity: Severity::Low,
    row: Row::AccountCompromise,
    service: "CloudWatch",
    why: "CloudTrail records network ACL changes, but nobody is told: without a metric filter and an alarm, a compromised \
          account or a mistaken change is found days later, if at all (CIS AWS Foundations 4.11).",
    aws_side: "AWS records the API calls in CloudTrail and evaluates the filters and alarms it is given. \
               Choosing what to watch and who is alerted is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &[],
        kics: &["0a8e8dc5-b6fc-44fc-b5a1-969ec950f9b0"],
        trivy: &[],
        how: "KICS takes an alarm to watch a filter only when the alarm's `metric_name` names the filter's \
              resource; onus also takes the filter's own metric name (with its namespace), which is what \
              CloudWatch matches.",
    },
    matcher: &MetricAlarm {
        event: "network ACL changes",
        terms: &[
            "$.eventName = CreateNetworkAcl",
            "$.eventName = CreateNetworkAclEntry",
            "$.eventName = DeleteNetworkAcl",
            "$.eventName = DeleteNetworkAclEntry",
            "$.eventName = ReplaceNetworkAclEntry",
            "$.eventName = ReplaceNetworkAclAssociation",
        ],
        pattern: "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }",
    },
};

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::lines;

    const FILTER: &str = r#"resource "aws_cloudwatch_log_metric_filter" "nacl" {
  name           = "nacl"
  log_group_name = "trail"
  pattern        = "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }"

  metric_transformation {
    name      = "NaclChanges"
    namespace = "CIS"
    value     = "1"
  }
}
"#;

    fn alarm(metric: &str, namespace: &str) -> String {
        format!("resource \"aws_cloudwatch_metric_alarm\" \"nacl\" {{\n  metric_name = {metric}\n  namespace   = \"{namespace}\"\n}}\n")
    }

    #[test]
    fn a_filter_is_watched_by_its_metric_name_or_a_reference() {
        assert!(lines(&RULE, &format!("{FILTER}{}", alarm("\"NaclChanges\"", "CIS"))).is_empty());
        assert!(lines(&RULE, &format!("{FILTER}{}", alarm("aws_cloudwatch_log_metric_filter.nacl.id", "x"))).is_empty());
        // Another metric, or the same name in another namespace, is no alarm on this filter.
        assert_eq!(lines(&RULE, &format!("{FILTER}{}", alarm("\"OTHER FILTER\"", "CIS"))), [1]);
        assert_eq!(lines(&RULE, &format!("{FILTER}{}", alarm("\"NaclChanges\"", "Other"))), [1]);
        // An alarm whose metric cannot be read may be it.
        assert!(lines(&RULE, &format!("{FILTER}{}", alarm("var.metric", "CIS"))).is_empty());
        // A pattern missing one event, or naming a longer event only, does not watch NACL changes.
        let partial = FILTER.replace("($.eventName = CreateNetworkAcl) || ", "");
        assert_eq!(lines(&RULE, &format!("{partial}{}", alarm("\"NaclChanges\"", "CIS"))), [1]);
        // A module without metric filters is not judged: its account's monitoring lives elsewhere.
        assert!(lines(&RULE, "resource \"aws_s3_bucket\" \"b\" {}\n").is_empty());
        // Quotes and spacing in the pattern do not matter.
        let quoted = FILTER.replace("= CreateNetworkAcl)", "=\\\"CreateNetworkAcl\\\")");
        assert!(lines(&RULE, &format!("{quoted}{}", alarm("\"NaclChanges\"", "CIS"))).is_empty());
    }
}
