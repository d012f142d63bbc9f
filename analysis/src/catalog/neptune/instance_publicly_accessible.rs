use crate::kit::declared::{Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "neptune-instance-publicly-accessible",
    title: "Neptune instance is publicly accessible",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "Neptune",
    why: "A public Neptune endpoint is reachable from the internet; with Neptune's lack of passwords (unless IAM \
          authentication is on), reachability is access to the whole graph.",
    aws_side: "AWS gives the instance a public address only when asked; keeping it private is the customer's duty.",
    equivalents: Equivalents { checkov: &["CKV_AWS_102"], kics: &["9ba198e0-fef4-464a-8a4d-75ea55300de7"], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_neptune_cluster_instance"],
            path: "publicly_accessible",
            example: r#"resource "aws_neptune_cluster_instance" "graph" {
  cluster_identifier  = aws_neptune_cluster.graph.id
  instance_class      = "db.r6g.large"
  publicly_accessible = true
}"#,
            fixed: r#"resource "aws_neptune_cluster_instance" "graph" {
  cluster_identifier  = aws_neptune_cluster.graph.id
  instance_class      = "db.r6g.large"
  publicly_accessible = false
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: None,
        want: Want::Bool(false),
        absent: None,
        insecure: "the instance gets a public address, reachable from the internet",
        fix_title: "Keep the instance private",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_public_instances_only() {
        let tf = r#"variable "public" {}
resource "aws_neptune_cluster_instance" "public" {
  count               = 2
  publicly_accessible = true
}
resource "aws_neptune_cluster_instance" "private" {
  publicly_accessible = false
}
resource "aws_neptune_cluster_instance" "default" {
  instance_class = "db.r6g.large"
}
resource "aws_neptune_cluster_instance" "unknown" {
  publicly_accessible = var.public
}
"#;
        assert_eq!(lines(&RULE, tf), [4]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }
}
