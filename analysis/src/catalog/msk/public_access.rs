use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "msk-public-access",
    title: "MSK cluster brokers are reachable from the internet",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "MSK",
    why: "Public brokers expose Kafka to the internet; any weakness in client authentication or in the broker \
          software is directly reachable.",
    aws_side: "MSK assigns public addresses only when the customer turns public access on.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_291"],
        kics: &["54378d69-dd7c-4b08-a43e-80d563396857", "0ce1ba20-8ba8-4364-836f-40c24b8cb0ab"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_msk_cluster"],
            path: "broker_node_group_info.connectivity_info.public_access.type",
            example: r#"resource "aws_msk_cluster" "events" {
  cluster_name = "events"

  broker_node_group_info {
    instance_type = "kafka.m5.large"

    connectivity_info {
      public_access {
        type = "SERVICE_PROVIDED_EIPS"
      }
    }
  }
}"#,
            fixed: r#"resource "aws_msk_cluster" "events" {
  cluster_name = "events"

  broker_node_group_info {
    instance_type = "kafka.m5.large"

    connectivity_info {
      public_access {
        type = "DISABLED"
      }
    }
  }
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::MSK::Cluster"],
            path: "BrokerNodeGroupInfo.ConnectivityInfo.PublicAccess.Type",
            example: r#"Resources:
  Events:
    Type: AWS::MSK::Cluster
    Properties:
      ClusterName: events
      BrokerNodeGroupInfo:
        InstanceType: kafka.m5.large
        ConnectivityInfo:
          PublicAccess:
            Type: SERVICE_PROVIDED_EIPS
"#,
            fixed: r#"Resources:
  Events:
    Type: AWS::MSK::Cluster
    Properties:
      ClusterName: events
      BrokerNodeGroupInfo:
        InstanceType: kafka.m5.large
        ConnectivityInfo:
          PublicAccess:
            Type: DISABLED
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::NoneOf { insecure: &["SERVICE_PROVIDED_EIPS"], fix: "DISABLED" },
        absent: None,
        insecure: "its brokers have public addresses",
        fix_title: "Turn public access off",
        ..Setting::DEFAULT
    },
};
