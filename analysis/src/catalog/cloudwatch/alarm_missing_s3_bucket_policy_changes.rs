use crate::kit::metric_alarms::MetricAlarm;
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "cloudwatch-alarm-missing-s3-bucket-policy-changes",
    title: "No CloudWatch metric filter and alarm for S3 bucket policy changes",
    severity: Severity::Low,
    row: Row::AccountCompromise,
    service: "CloudWatch",
    why: "CloudTrail records S3 bucket policy changes, but nobody is told: without a metric filter and an alarm, a compromised \
          account or a mistaken change is found days later, if at all (CIS AWS Foundations 4.8).",
    aws_side: "AWS records the API calls in CloudTrail and evaluates the filters and alarms it is given. \
               Choosing what to watch and who is alerted is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &[],
        kics: &["27c6a499-895a-4dc7-9617-5c485218db13"],
        trivy: &[],
        how: "KICS takes an alarm to watch a filter only when the alarm's `metric_name` names the filter's \
              resource; onus also takes the filter's own metric name (with its namespace), which is what \
              CloudWatch matches.",
    },
    matcher: &MetricAlarm {
        event: "S3 bucket policy changes",
        terms: &[
            "$.eventSource = s3.amazonaws.com",
            "$.eventName = PutBucketAcl",
            "$.eventName = PutBucketPolicy",
            "$.eventName = PutBucketCors",
            "$.eventName = PutBucketLifecycle",
            "$.eventName = PutBucketReplication",
            "$.eventName = DeleteBucketPolicy",
            "$.eventName = DeleteBucketCors",
            "$.eventName = DeleteBucketLifecycle",
            "$.eventName = DeleteBucketReplication",
        ],
        pattern: "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }",
    },
};
