use crate::cloudformation::check::CfnContext;
use crate::kit::redshift::{provider_v6, CLUSTER};
use crate::kit::setting::{check_bool, BoolCheck};
use crate::kit::setting::{check_cfn_bool, CfnBoolCheck};
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "redshift-publicly-accessible",
    title: "Redshift cluster is publicly accessible",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "Redshift",
    why: "A publicly accessible cluster gets a public IP address: the warehouse's port is then one \
          security-group rule away from the internet, where database endpoints are scanned and brute-forced \
          continuously.",
    aws_side: "AWS assigns the public address when asked; new clusters are private by default in the AWS API \
               since January 2025, but AWS provider versions before 6 send `publicly_accessible = true` when \
               the attribute is left out. Choosing the cluster's exposure is the customer's duty.",
    equivalents: Equivalents { checkov: &["CKV_AWS_87"], kics: &[], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &["bdf8dcb4-75df-4370-92c4-606e4ae6c4d3", "af173fde-95ea-4584-b904-bb3923ac4bda"],
        trivy: &[],
        how: "KICS's CloudFormation Redshift Publicly Accessible (bdf8dcb4) also fails an `AWS::Redshift::Cluster` \
              that leaves `PubliclyAccessible` out, which the API has made private by default since January 2025 \
              (CloudFormation sends no value); this rule flags only an explicit `true` there. Its Terraform Redshift \
              Publicly Accessible (af173fde) fails every `aws_redshift_cluster` that leaves `publicly_accessible` \
              out, also where the configuration requires AWS provider 6 or later, whose default is private.",
    },
    matcher: &Custom {
        what: "Flags `aws_redshift_cluster` resources with `publicly_accessible = true`, or without \
               `publicly_accessible` unless the configuration requires AWS provider 6 or later (older providers \
               default to public). \
               In CloudFormation only `PubliclyAccessible: true` is flagged: left out, the API default is private since January 2025.",
        fix: "Set `publicly_accessible = false` and reach the cluster from inside the VPC.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_redshift_cluster"],
            check,
            example: r#"resource "aws_redshift_cluster" "dw" {
  cluster_identifier = "dw"
  node_type          = "ra3.xlplus"
}"#,
            fixed_example: r#"resource "aws_redshift_cluster" "dw" {
  cluster_identifier  = "dw"
  node_type           = "ra3.xlplus"
  publicly_accessible = false
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
      PubliclyAccessible: true
"#,
            fixed_example: r#"Resources:
  Main:
    Type: AWS::Redshift::Cluster
    Properties:
      NodeType: ra3.xlplus
      ClusterType: single-node
      PubliclyAccessible: false
"#,
        }),
    },
};

fn check(ctx: &mut TfContext) {
    let check = BoolCheck {
        attr: "publicly_accessible",
        secure: false,
        absent_insecure: !provider_v6(ctx),
        absent: "does not set `publicly_accessible`: AWS provider versions before 6 make it public",
        insecure: "sets `publicly_accessible = true`: the cluster gets a public endpoint",
        fix: "Make the cluster private",
    };
    for res in ctx.resources(CLUSTER).collect::<Vec<_>>() {
        check_bool(ctx, res, &check);
    }
}

static CFN_CHECK: CfnBoolCheck = CfnBoolCheck {
    prop: "PubliclyAccessible",
    secure: false,
    absent_insecure: false,
    absent: "",
    insecure: "sets `PubliclyAccessible: true`: the cluster gets a public endpoint",
    fix: "Make the cluster private",
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
    fn flags_public_clusters() {
        let tf = r#"resource "aws_redshift_cluster" "a" {
  node_type = "dc2.large"
}
resource "aws_redshift_cluster" "b" {
  publicly_accessible = true
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 5]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn private_unknown_and_provider_6_defaults_are_not_flagged() {
        let tf = r#"terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.2"
    }
  }
}
variable "public" {}
resource "aws_redshift_cluster" "a" {
  publicly_accessible = false
}
resource "aws_redshift_cluster" "b" {
  publicly_accessible = var.public
}
resource "aws_redshift_cluster" "c" {
  node_type = "dc2.large"
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }

    #[test]
    fn cloudformation_explicitly_public_clusters() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      PubliclyAccessible: true\n  B:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      NodeType: dc2.large\n  C:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      PubliclyAccessible: !Ref Public\nParameters:\n  Public:\n    Type: String\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
        // Left out, the cluster is private (KICS's query fails it); a string `'true'` is public.
        let json = r#"{
  "Resources": {
    "Default": {"Type": "AWS::Redshift::Cluster", "Properties": {"NodeType": "ra3.xlplus"}},
    "Public": {"Type": "AWS::Redshift::Cluster", "Properties": {"PubliclyAccessible": "true"}},
    "Private": {"Type": "AWS::Redshift::Cluster", "Properties": {"PubliclyAccessible": false}}
  }
}
"#;
        assert_eq!(cfn_lines(&RULE, json), [4]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
