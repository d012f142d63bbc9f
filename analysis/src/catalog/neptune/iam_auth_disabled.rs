use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "neptune-iam-auth-disabled",
    title: "Neptune cluster does not use IAM database authentication",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "Neptune",
    why: "Neptune has no database users or passwords: without IAM authentication, anyone who can reach the \
          endpoint on the network can query and modify the whole graph. IAM authentication makes every request \
          carry a SigV4 signature of a principal that policies can allow, deny and audit in CloudTrail.",
    aws_side: "AWS verifies the signatures and evaluates IAM policies when the feature is on; turning it on and \
               writing least-privilege `neptune-db:*` policies is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_359"],
        kics: &["c91d7ea0-d4d1-403b-8fe1-c9961ac082c5", "a3aa0087-8228-4e7e-b202-dc9036972d02"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_neptune_cluster"],
            path: "iam_database_authentication_enabled",
            example: r#"resource "aws_neptune_cluster" "graph" {
  cluster_identifier = "graph"
}"#,
            fixed: r#"resource "aws_neptune_cluster" "graph" {
  cluster_identifier = "graph"
  iam_database_authentication_enabled = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Neptune::DBCluster"],
            path: "IamAuthEnabled",
            example: r#"Resources:
  Graph:
    Type: AWS::Neptune::DBCluster
    Properties:
      IamAuthEnabled: false
"#,
            fixed: r#"Resources:
  Graph:
    Type: AWS::Neptune::DBCluster
    Properties:
      IamAuthEnabled: true
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(true),
        absent: Some("anyone who reaches the endpoint can query the graph (the default is `false`)"),
        insecure: "anyone who reaches the endpoint can query the graph, with no identity checked",
        fix_title: "Require IAM authentication",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_clusters_without_iam_auth() {
        let tf = r#"variable "on" {}
resource "aws_neptune_cluster" "absent" {
  engine = "neptune"
}
resource "aws_neptune_cluster" "off" {
  iam_database_authentication_enabled = false
}
resource "aws_neptune_cluster" "on" {
  iam_database_authentication_enabled = true
}
resource "aws_neptune_cluster" "unknown" {
  iam_database_authentication_enabled = var.on
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_iam_auth() {
        let yaml = "Resources:\n  A:\n    Type: AWS::Neptune::DBCluster\n    Properties:\n      IamAuthEnabled: false\n      StorageEncrypted: true\n  B:\n    Type: AWS::Neptune::DBCluster\n    Properties:\n      StorageEncrypted: true\n  C:\n    Type: AWS::Neptune::DBCluster\n    Properties:\n      IamAuthEnabled: 'true'\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5, 7]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
