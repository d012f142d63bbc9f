use crate::kit::metric_alarms::MetricAlarm;
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "cloudwatch-alarm-missing-console-signin-without-mfa",
    title: "No CloudWatch metric filter and alarm for console sign-in without MFA",
    severity: Severity::Low,
    row: Row::AccountCompromise,
    service: "CloudWatch",
    why: "CloudTrail records console sign-in without MFA, but nobody is told: without a metric filter and an alarm, a compromised \
          account or a mistaken change is found days later, if at all (CIS AWS Foundations 4.2).",
    aws_side: "AWS records the API calls in CloudTrail and evaluates the filters and alarms it is given. \
               Choosing what to watch and who is alerted is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &[],
        kics: &["44ceb4fa-0897-4fd2-b676-30e7a58f2933"],
        trivy: &[],
        how: "KICS takes an alarm to watch a filter only when the alarm's `metric_name` names the filter's \
              resource; onus also takes the filter's own metric name (with its namespace), which is what \
              CloudWatch matches.",
    },
    matcher: &MetricAlarm {
        event: "console sign-in without MFA",
        terms: &[
            "$.eventName = ConsoleLogin",
            "$.additionalEventData.MFAUsed != Yes",
        ],
        pattern: "{ ($.eventName = \"ConsoleLogin\") && ($.additionalEventData.MFAUsed != \"Yes\") }",
    },
};
