use crate::kit::metric_alarms::MetricAlarm;
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "cloudwatch-alarm-missing-vpc-changes",
    title: "No CloudWatch metric filter and alarm for VPC changes",
    severity: Severity::Low,
    row: Row::AccountCompromise,
    service: "CloudWatch",
    why: "CloudTrail records VPC changes, but nobody is told: without a metric filter and an alarm, a compromised \
          account or a mistaken change is found days later, if at all (CIS AWS Foundations 4.14).",
    aws_side: "AWS records the API calls in CloudTrail and evaluates the filters and alarms it is given. \
               Choosing what to watch and who is alerted is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &[],
        kics: &["9d0d4512-1959-43a2-a17f-72360ff06d1b"],
        trivy: &[],
        how: "KICS takes an alarm to watch a filter only when the alarm's `metric_name` names the filter's \
              resource; onus also takes the filter's own metric name (with its namespace), which is what \
              CloudWatch matches.",
    },
    matcher: &MetricAlarm {
        event: "VPC changes",
        terms: &[
            "$.eventName = CreateVpc",
            "$.eventName = DeleteVpc",
            "$.eventName = ModifyVpcAttribute",
            "$.eventName = AcceptVpcPeeringConnection",
            "$.eventName = CreateVpcPeeringConnection",
            "$.eventName = DeleteVpcPeeringConnection",
            "$.eventName = RejectVpcPeeringConnection",
            "$.eventName = AttachClassicLinkVpc",
            "$.eventName = DetachClassicLinkVpc",
            "$.eventName = DisableVpcClassicLink",
            "$.eventName = EnableVpcClassicLink",
        ],
        pattern: "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }",
    },
};
