use crate::kit::metric_alarms::MetricAlarm;
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "cloudwatch-alarm-missing-cloudtrail-changes",
    title: "No CloudWatch metric filter and alarm for CloudTrail configuration changes",
    severity: Severity::Low,
    row: Row::AccountCompromise,
    service: "CloudWatch",
    why: "CloudTrail records CloudTrail configuration changes, but nobody is told: without a metric filter and an alarm, a compromised \
          account or a mistaken change is found days later, if at all (CIS AWS Foundations 4.5).",
    aws_side: "AWS records the API calls in CloudTrail and evaluates the filters and alarms it is given. \
               Choosing what to watch and who is alerted is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &[],
        kics: &["0f6cbf69-41bb-47dc-93f3-3844640bf480"],
        trivy: &[],
        how: "KICS takes an alarm to watch a filter only when the alarm's `metric_name` names the filter's \
              resource; onus also takes the filter's own metric name (with its namespace), which is what \
              CloudWatch matches.",
    },
    matcher: &MetricAlarm {
        event: "CloudTrail configuration changes",
        terms: &[
            "$.eventName = CreateTrail",
            "$.eventName = UpdateTrail",
            "$.eventName = DeleteTrail",
            "$.eventName = StartLogging",
            "$.eventName = StopLogging",
        ],
        pattern: "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
    },
};
