use crate::cloudformation::check::CfnContext;
use crate::kit::redshift::{provider_v6, CLUSTER};
use crate::kit::setting::{check_bool, BoolCheck};
use crate::kit::setting::{check_cfn_bool, CfnBoolCheck};
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "redshift-unencrypted",
    title: "Redshift cluster is not encrypted",
    severity: Severity::High,
    row: Row::ManagedServiceConfig,
    service: "Redshift",
    why: "An unencrypted warehouse stores its tables, backups and snapshots in clear on AWS's disks, and \
          snapshots shared or copied to other accounts carry the data with them.",
    aws_side: "AWS encrypts the cluster's blocks and snapshots with KMS when asked, and encrypts new clusters by \
               default since January 2025; older clusters and older provider versions that send \
               `encrypted = false` stay unencrypted. Asking for encryption is the customer's duty.",
    equivalents: Equivalents { checkov: &["CKV_AWS_64"], kics: &["cfdcabb0-fc06-427c-865b-c59f13e898ce"], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &["3b316b05-564c-44a7-9c3f-405bb95e211e"],
        trivy: &["AVD-AWS-0084", "aws-redshift-encryption-customer-key"],
        how: "Trivy's AVD-AWS-0084 also fails an encrypted cluster without `kms_key_id` (no customer managed key); \
              this rule is about encryption itself. KICS's CloudFormation Redshift Not Encrypted (3b316b05) also \
              fails an `AWS::Redshift::Cluster` that leaves `Encrypted` out, which the API has encrypted by default \
              since January 2025 (CloudFormation sends no value); this rule flags only an explicit `false` there.",
    },
    matcher: &Custom {
        what: "Flags `aws_redshift_cluster` resources with `encrypted = false`, or without `encrypted` unless the \
               configuration requires AWS provider 6 or later (older providers defaulted to unencrypted). \
               In CloudFormation only `Encrypted: false` is flagged: left out, the API encrypts by default since January 2025.",
        fix: "Set `encrypted = true`, ideally with a customer-managed `kms_key_id`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_redshift_cluster"],
            check,
            example: r#"resource "aws_redshift_cluster" "dw" {
  cluster_identifier = "dw"
  node_type          = "ra3.xlplus"
}"#,
            fixed_example: r#"resource "aws_redshift_cluster" "dw" {
  cluster_identifier = "dw"
  node_type          = "ra3.xlplus"
  encrypted          = true
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Redshift::Cluster"],
            check: check_cfn,
            example: r#"Resources:
  Main:
    Type: AWS::Redshift::Cluster
    Properties:
      NodeType: ra3.xlplus
      ClusterType: single-node
      Encrypted: false
"#,
            fixed_example: r#"Resources:
  Main:
    Type: AWS::Redshift::Cluster
    Properties:
      NodeType: ra3.xlplus
      ClusterType: single-node
      Encrypted: true
"#,
        }),
    },
};

fn check(ctx: &mut TfContext) {
    let check = BoolCheck {
        attr: "encrypted",
        secure: true,
        absent_insecure: !provider_v6(ctx),
        absent: "does not set `encrypted`: AWS provider versions before 6 create it unencrypted",
        insecure: "sets `encrypted = false`, so its data and snapshots are stored unencrypted",
        fix: "Encrypt the cluster",
    };
    for res in ctx.resources(CLUSTER).collect::<Vec<_>>() {
        // A cluster restored from a snapshot takes the snapshot's encryption.
        if res.block.attr("snapshot_identifier").is_some() && res.block.attr("encrypted").is_none() {
            continue;
        }
        check_bool(ctx, res, &check);
    }
}

static CFN_CHECK: CfnBoolCheck = CfnBoolCheck {
    prop: "Encrypted",
    secure: true,
    absent_insecure: false,
    absent: "",
    insecure: "sets `Encrypted: false`, so its data and snapshots are stored unencrypted",
    fix: "Encrypt the cluster",
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Redshift::Cluster").collect::<Vec<_>>() {
        check_cfn_bool(ctx, res, &CFN_CHECK);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_unencrypted_clusters() {
        let tf = r#"resource "aws_redshift_cluster" "a" {
  node_type = "dc2.large"
}
resource "aws_redshift_cluster" "b" {
  encrypted = false
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 5]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn encrypted_unknown_and_provider_6_defaults_are_not_flagged() {
        let tf = r#"terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}
variable "enc" {}
resource "aws_redshift_cluster" "a" {
  encrypted = true
}
resource "aws_redshift_cluster" "b" {
  encrypted = var.enc
}
resource "aws_redshift_cluster" "c" {
  node_type = "dc2.large"
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }

    #[test]
    fn cloudformation_explicitly_unencrypted_clusters() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      Encrypted: 'false'\n  B:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      NodeType: dc2.large\n  C:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      Encrypted: true\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
        // Left out, the API encrypts (KICS's query fails it); a parameter's default is read.
        let json = r#"{
  "Parameters": {"Enc": {"Type": "String", "Default": "false"}, "Given": {"Type": "String"}},
  "Resources": {
    "Default": {"Type": "AWS::Redshift::Cluster", "Properties": {"NodeType": "ra3.xlplus"}},
    "Off": {"Type": "AWS::Redshift::Cluster", "Properties": {"Encrypted": {"Ref": "Enc"}}},
    "Unknown": {"Type": "AWS::Redshift::Cluster", "Properties": {"Encrypted": {"Ref": "Given"}}}
  }
}
"#;
        assert_eq!(cfn_lines(&RULE, json), [5]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
