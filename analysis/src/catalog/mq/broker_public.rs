use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "mq-broker-public",
    title: "Amazon MQ broker is publicly accessible",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "Amazon MQ",
    why: "A public broker exposes its AMQP, MQTT, STOMP and OpenWire endpoints and its web console to the \
          internet, where credential stuffing and broker vulnerabilities are routinely tried.",
    aws_side: "Amazon MQ gives the broker public addresses only when asked; network exposure is the customer's \
               choice (changing it replaces the broker).",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["4eb5f791-c861-4afd-9f94-f2a6a3fe49cb", "68b6a789-82f8-4cfd-85de-e95332fe6a61"],
        trivy: &["AVD-AWS-0072", "aws-mq-no-public-access"],
    },
    related: Related {
        checkov: &["CKV_AWS_69"],
        kics: &[],
        trivy: &[],
        how: "Checkov's CloudFormation check also fails a broker that does not write `PubliclyAccessible`, which \
              CloudFormation requires anyway.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_mq_broker"],
            path: "publicly_accessible",
            example: r#"resource "aws_mq_broker" "events" {
  broker_name         = "events"
  engine_type         = "ActiveMQ"
  publicly_accessible = true
}"#,
            fixed: r#"resource "aws_mq_broker" "events" {
  broker_name         = "events"
  engine_type         = "ActiveMQ"
  publicly_accessible = false
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::AmazonMQ::Broker"],
            path: "PubliclyAccessible",
            example: r#"Resources:
  Events:
    Type: AWS::AmazonMQ::Broker
    Properties:
      BrokerName: events
      EngineType: ActiveMQ
      PubliclyAccessible: true
"#,
            fixed: r#"Resources:
  Events:
    Type: AWS::AmazonMQ::Broker
    Properties:
      BrokerName: events
      EngineType: ActiveMQ
      PubliclyAccessible: false
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(false),
        absent: None,
        insecure: "its endpoints and web console are reachable from the internet",
        fix: "Set `publicly_accessible = false` (this replaces the broker) and reach it from inside the VPC. In \
              CloudFormation: `PubliclyAccessible`.",
        fix_title: "Make the broker private (replaces it)",
    },
};
