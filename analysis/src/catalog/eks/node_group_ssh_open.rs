use crate::cloudformation::check::CfnContext;
use crate::fix::Fix;
use crate::kit::setting::set_cfn_item_key;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "eks-node-group-ssh-open",
    title: "EKS managed node group allows SSH from anywhere (remote access without source security groups)",
    severity: Severity::High,
    row: Row::NetworkSecurity,
    service: "EKS",
    why: "When a managed node group enables SSH without source security groups, EKS opens port 22 of the nodes to \
          0.0.0.0/0; every worker node, with the cluster's node role, is then exposed to internet-wide SSH brute \
          force.",
    aws_side: "EKS creates the node security group rule from these settings. Restricting its source is the \
               customer's.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_100"],
        kics: &["ba40ace1-a047-483c-8a8d-bc2d3a67a82d", "73d59e76-a12c-4b74-a3d8-d3e1e19c25b3"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags EKS managed node groups (`aws_eks_node_group`, `AWS::EKS::Nodegroup`) with a `remote_access` \
               block (`RemoteAccess`) that lists no `source_security_group_ids` (`SourceSecurityGroups`), so that \
               SSH is open to the internet.",
        fix: "List the bastion's or the admins' security groups in `source_security_group_ids`, or drop \
              `remote_access` and reach the nodes through Session Manager.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_eks_node_group"],
            check,
            example: r#"resource "aws_eks_node_group" "workers" {
  cluster_name = aws_eks_cluster.main.name
  remote_access {
    ec2_ssh_key = "ops"
  }
}"#,
            fixed_example: r#"resource "aws_eks_node_group" "workers" {
  cluster_name = aws_eks_cluster.main.name
  remote_access {
    ec2_ssh_key = "ops"
    source_security_group_ids = ["<security-group-id>"]
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EKS::Nodegroup"],
            check: check_cfn,
            example: r#"Resources:
  Workers:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: !Ref Cluster
      RemoteAccess:
        Ec2SshKey: ops
"#,
            fixed_example: r#"Resources:
  Workers:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: !Ref Cluster
      RemoteAccess:
        Ec2SshKey: ops
        SourceSecurityGroups:
          - '<security-group-id>'
"#,
        }),
    },
};

const FIX: &str = "Allow SSH only from given security groups (placeholder to replace)";

fn listed(v: Option<Value>) -> bool {
    match v {
        None => false,
        Some(Value::List(items)) => !items.is_empty(),
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(_) => true,
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_eks_node_group").collect::<Vec<_>>() {
        let file = ctx.file(res);
        for access in ctx.nested(res.config(), "remote_access") {
            // (`source_security_groups_ids`, misspelt, is read too: it is how some examples write it.)
            let sources = ["source_security_group_ids", "source_security_groups_ids"]
                .iter()
                .find_map(|a| ctx.field(access, a).map(|(_, v)| v));
            if listed(sources) || access.is_dynamic() {
                continue;
            }
            let message = format!(
                "`{}` enables SSH to its nodes without source security groups, so port 22 is open to the internet",
                res.address()
            );
            let finding = ctx.report(res, access.header(), message);
            if let Some(block) = access.block() {
                let edit = edit::set_attribute(file, block, "source_security_group_ids", "[\"<security-group-id>\"]");
                finding.fixes.push(Fix::unsafe_(FIX, vec![edit]));
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::EKS::Nodegroup").collect::<Vec<_>>() {
        let Some((access, _)) = ctx.prop(res, "RemoteAccess") else { continue };
        if access.intrinsic().is_some() {
            continue;
        }
        if listed(access.get("SourceSecurityGroups").map(|n| ctx.eval(n))) {
            continue;
        }
        let message = format!(
            "`{}` enables SSH to its nodes without source security groups, so port 22 is open to the internet",
            res.logical_id
        );
        let range = ctx.prop_range(res, "RemoteAccess").unwrap_or(access.range);
        let edit = set_cfn_item_key(ctx.template, access, "SourceSecurityGroups", &json!(["<security-group-id>"]));
        ctx.report(res, range, message).fixes.push(Fix::unsafe_(FIX, vec![edit]));
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_ssh_without_sources() {
        let tf = r#"resource "aws_eks_node_group" "open" {
  remote_access {
    ec2_ssh_key = "k"
  }
}
resource "aws_eks_node_group" "typo" {
  remote_access {
    ec2_ssh_key                = "k"
    source_security_groups_ids = "sg-123"
  }
}
resource "aws_eks_node_group" "closed" {
  remote_access {
    ec2_ssh_key               = "k"
    source_security_group_ids = [aws_security_group.bastion.id]
  }
}
resource "aws_eks_node_group" "none" {
  cluster_name = "c"
}
"#;
        assert_eq!(lines(&RULE, tf), [2]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::EKS::Nodegroup\n    Properties:\n      RemoteAccess:\n        Ec2SshKey: k\n  B:\n    Type: AWS::EKS::Nodegroup\n    Properties:\n      RemoteAccess:\n        Ec2SshKey: k\n        SourceSecurityGroups: [!Ref Bastion]\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
