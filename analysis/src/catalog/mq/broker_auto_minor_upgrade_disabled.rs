use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "mq-broker-auto-minor-upgrade-disabled",
    title: "Amazon MQ broker does not take automatic minor engine upgrades",
    severity: Severity::Medium,
    row: Row::DatabasePatching,
    service: "Amazon MQ",
    why: "Broker engines (ActiveMQ, RabbitMQ) get security fixes in minor releases; without automatic upgrades a \
          broker stays on the vulnerable version until someone remembers.",
    aws_side: "AWS applies minor versions in the maintenance window only when allowed (mandatory for ActiveMQ 5.18 \
               and RabbitMQ 3.13 and later, which take `major.minor` engine versions).",
    equivalents: Equivalents { checkov: &["CKV_AWS_207"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_mq_broker"],
            path: "auto_minor_version_upgrade",
            example: r#"resource "aws_mq_broker" "events" {
  broker_name    = "events"
  engine_type    = "ActiveMQ"
  engine_version = "5.17.6"
}"#,
            fixed: r#"resource "aws_mq_broker" "events" {
  broker_name    = "events"
  engine_type    = "ActiveMQ"
  engine_version = "5.17.6"
  auto_minor_version_upgrade = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::AmazonMQ::Broker"],
            path: "AutoMinorVersionUpgrade",
            example: r#"Resources:
  Events:
    Type: AWS::AmazonMQ::Broker
    Properties:
      BrokerName: events
      EngineType: ActiveMQ
      AutoMinorVersionUpgrade: false
"#,
            fixed: r#"Resources:
  Events:
    Type: AWS::AmazonMQ::Broker
    Properties:
      BrokerName: events
      EngineType: ActiveMQ
      AutoMinorVersionUpgrade: true
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(true),
        absent: Some("its engine gets no minor security releases until someone upgrades it"),
        insecure: "its engine gets no minor security releases until someone upgrades it",
        ..Setting::DEFAULT
    },
};
