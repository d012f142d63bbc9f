use crate::kit::metric_alarms::MetricAlarm;
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "cloudwatch-alarm-missing-organizations-changes",
    title: "No CloudWatch metric filter and alarm for AWS Organizations changes",
    severity: Severity::Low,
    row: Row::AccountCompromise,
    service: "CloudWatch",
    why: "CloudTrail records AWS Organizations changes, but nobody is told: without a metric filter and an alarm, a compromised \
          account or a mistaken change is found days later, if at all (CIS AWS Foundations 4.15).",
    aws_side: "AWS records the API calls in CloudTrail and evaluates the filters and alarms it is given. \
               Choosing what to watch and who is alerted is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &[],
        kics: &["38b85c45-e772-4de8-a247-69619ca137b3"],
        trivy: &[],
        how: "KICS takes an alarm to watch a filter only when the alarm's `metric_name` names the filter's \
              resource; onus also takes the filter's own metric name (with its namespace), which is what \
              CloudWatch matches.",
    },
    matcher: &MetricAlarm {
        event: "AWS Organizations changes",
        terms: &[
            "$.eventSource = organizations.amazonaws.com",
            "$.eventName = AcceptHandshake",
            "$.eventName = AttachPolicy",
            "$.eventName = CreateAccount",
            "$.eventName = CreateOrganizationalUnit",
            "$.eventName = CreatePolicy",
            "$.eventName = DeclineHandshake",
            "$.eventName = DeleteOrganization",
            "$.eventName = DeleteOrganizationalUnit",
            "$.eventName = DeletePolicy",
            "$.eventName = DetachPolicy",
            "$.eventName = DisablePolicyType",
            "$.eventName = EnablePolicyType",
            "$.eventName = InviteAccountToOrganization",
            "$.eventName = LeaveOrganization",
            "$.eventName = MoveAccount",
            "$.eventName = RemoveAccountFromOrganization",
            "$.eventName = UpdatePolicy",
            "$.eventName = UpdateOrganizationalUnit",
        ],
        pattern: "{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake) || ($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) || ($.eventName = UpdateOrganizationalUnit)) }",
    },
};
