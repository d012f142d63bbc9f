use crate::kit::metric_alarms::MetricAlarm;
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "cloudwatch-alarm-missing-iam-policy-changes",
    title: "No CloudWatch metric filter and alarm for IAM policy changes",
    severity: Severity::Low,
    row: Row::AccountCompromise,
    service: "CloudWatch",
    why: "CloudTrail records IAM policy changes, but nobody is told: without a metric filter and an alarm, a compromised \
          account or a mistaken change is found days later, if at all (CIS AWS Foundations 4.4).",
    aws_side: "AWS records the API calls in CloudTrail and evaluates the filters and alarms it is given. \
               Choosing what to watch and who is alerted is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &[],
        kics: &["eaaba502-2f94-411a-a3c2-83d63cc1776d"],
        trivy: &[],
        how: "KICS takes an alarm to watch a filter only when the alarm's `metric_name` names the filter's \
              resource; onus also takes the filter's own metric name (with its namespace), which is what \
              CloudWatch matches.",
    },
    matcher: &MetricAlarm {
        event: "IAM policy changes",
        terms: &[
            "$.eventName = DeleteGroupPolicy",
            "$.eventName = DeleteRolePolicy",
            "$.eventName = DeleteUserPolicy",
            "$.eventName = PutGroupPolicy",
            "$.eventName = PutRolePolicy",
            "$.eventName = PutUserPolicy",
            "$.eventName = CreatePolicy",
            "$.eventName = DeletePolicy",
            "$.eventName = CreatePolicyVersion",
            "$.eventName = DeletePolicyVersion",
            "$.eventName = AttachRolePolicy",
            "$.eventName = DetachRolePolicy",
            "$.eventName = AttachUserPolicy",
            "$.eventName = DetachUserPolicy",
            "$.eventName = AttachGroupPolicy",
            "$.eventName = DetachGroupPolicy",
        ],
        pattern: "{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy) }",
    },
};
