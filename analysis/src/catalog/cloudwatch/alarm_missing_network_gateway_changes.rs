use crate::kit::metric_alarms::MetricAlarm;
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "cloudwatch-alarm-missing-network-gateway-changes",
    title: "No CloudWatch metric filter and alarm for network gateway changes",
    severity: Severity::Low,
    row: Row::AccountCompromise,
    service: "CloudWatch",
    why: "CloudTrail records network gateway changes, but nobody is told: without a metric filter and an alarm, a compromised \
          account or a mistaken change is found days later, if at all (CIS AWS Foundations 4.12).",
    aws_side: "AWS records the API calls in CloudTrail and evaluates the filters and alarms it is given. \
               Choosing what to watch and who is alerted is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &[],
        kics: &["6b6874fe-4c2f-4eea-8b90-7cceaa4a125e"],
        trivy: &[],
        how: "KICS takes an alarm to watch a filter only when the alarm's `metric_name` names the filter's \
              resource; onus also takes the filter's own metric name (with its namespace), which is what \
              CloudWatch matches.",
    },
    matcher: &MetricAlarm {
        event: "network gateway changes",
        terms: &[
            "$.eventName = CreateCustomerGateway",
            "$.eventName = DeleteCustomerGateway",
            "$.eventName = AttachInternetGateway",
            "$.eventName = CreateInternetGateway",
            "$.eventName = DeleteInternetGateway",
            "$.eventName = DetachInternetGateway",
        ],
        pattern: "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }",
    },
};
