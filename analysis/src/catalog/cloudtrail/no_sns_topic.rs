use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "cloudtrail-no-sns-topic",
    title: "CloudTrail trail does not notify an SNS topic on log delivery",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "CloudTrail",
    why: "Delivery notifications let a pipeline (an SQS consumer, a SIEM) pick up new CloudTrail files as they \
          land instead of polling, and make a stop in delivery visible.",
    aws_side: "CloudTrail publishes a notification per delivered file when a topic is set; consuming it is the \
               customer's.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_252"],
        kics: &["482b7d26-0bdb-4b5f-bf6f-545826c0a3dd", "3e09413f-471e-40f3-8626-990c79ae63f3"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_cloudtrail"],
            path: "sns_topic_name",
            example: r#"resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "audit-logs"
}"#,
            fixed: r#"resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "audit-logs"
  sns_topic_name = "<sns-topic-name>"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::CloudTrail::Trail"],
            path: "SnsTopicName",
            example: r#"Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      S3BucketName: audit-logs
      IsLogging: true
"#,
            fixed: r#"Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      S3BucketName: audit-logs
      IsLogging: true
      SnsTopicName: '<sns-topic-name>'
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Present { placeholder: "<sns-topic-name>" },
        absent: Some("nothing is told when log files are delivered, or when delivery stops"),
        insecure: "an empty topic name notifies nobody",
        fix_title: "Notify an SNS topic (name to replace)",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_absent_null_and_empty_topics() {
        let tf = r#"resource "aws_cloudtrail" "absent" {
  name = "a"
}
resource "aws_cloudtrail" "null" {
  sns_topic_name = null
}
resource "aws_cloudtrail" "named" {
  sns_topic_name = "some-topic"
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 5]);
        let yaml = "Resources:\n  A:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      SnsTopicName: ''\n  B:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      SnsTopicName: !GetAtt Topic.TopicName\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
    }
}
