use crate::cloudformation::check::CfnContext;
use crate::cloudformation::tree::NodeKind;
use crate::kit::eks;
use crate::kit::lifecycle::{version_parts, Date};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "eks-unsupported-version",
    title: "EKS cluster runs a Kubernetes version past standard support",
    severity: Severity::Medium,
    row: Row::OsPatching,
    service: "EKS",
    why: "Outside standard support a version gets fewer fixes and costs extra per cluster hour; past extended \
          support AWS upgrades the control plane on its own schedule, which can break workloads that were never \
          tested on the new version, and the Terraform configuration then contradicts the cluster.",
    aws_side: "AWS patches each Kubernetes minor version for 14 months of standard support and 12 months of \
               extended support, and publishes the calendar (docs.aws.amazon.com/eks/latest/userguide/\
               kubernetes-versions.html). Upgrading the control plane, the nodes and the add-ons in time is \
               the customer's duty. Dates used (end of standard / extended support): 1.28 2024-11-26 / \
               2025-11-26, 1.29 2025-03-23 / 2026-03-23, 1.30 2025-07-23 / 2026-07-23, 1.31 2025-11-26 / \
               2026-11-26, 1.32 2026-03-23 / 2027-03-23, 1.33 2026-07-29 / 2027-07-29, 1.34 2026-12-02 / \
               2027-12-02, 1.35 2027-03-27 / 2028-03-27.",
    equivalents: Equivalents { checkov: &[], kics: &[], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_339"],
        kics: &[],
        trivy: &[],
        how: "Checkov's CKV_AWS_339 fails any `version` outside a fixed list (1.29 to 1.35) and passes an absent \
              one; this rule judges the version by the date its EKS standard support ends (1.30 is flagged, Checkov \
              passes it).",
    },
    matcher: &Custom {
        what: "Flags `aws_eks_cluster` resources (and `terraform-aws-modules/eks` calls) pinned to a Kubernetes \
               minor version whose EKS standard support has ended: it runs on paid extended support, or is past \
               that too and gets upgraded by AWS.",
        fix: "Upgrade one minor version at a time (EKS allows no skipping): set `version` to the next minor, apply, \
              upgrade node groups and add-ons, and repeat until the version is in standard support.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_eks_cluster"],
            check,
            example: r#"resource "aws_eks_cluster" "main" {
  name     = "main"
  role_arn = aws_iam_role.cluster.arn
  version  = "1.29"
}"#,
            fixed_example: r#"resource "aws_eks_cluster" "main" {
  name     = "main"
  role_arn = aws_iam_role.cluster.arn
  # version omitted: the cluster is created on the latest version; pin a version in standard support
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &[eks::CFN_CLUSTER],
            check: check_cfn,
            example: r#"Resources:
  Main:
    Type: AWS::EKS::Cluster
    Properties:
      Name: main
      RoleArn: !GetAtt ClusterRole.Arn
      Version: "1.29"
"#,
            fixed_example: r#"Resources:
  Main:
    Type: AWS::EKS::Cluster
    Properties:
      Name: main
      RoleArn: !GetAtt ClusterRole.Arn
      Version: "1.35"
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    // Without a date the support windows cannot be judged: nothing is flagged.
    let Some(today) = ctx.today() else { return };
    for res in ctx.resources(eks::CFN_CLUSTER).collect::<Vec<_>>() {
        let Some((node, v)) = ctx.prop(res, "Version") else { continue };
        // An unquoted `1.30` is a YAML number; its text is the version meant.
        let text = match node.kind {
            NodeKind::Number(_) => {
                ctx.template.source.get(node.range.start..node.range.end).map(|t| t.trim().to_string())
            }
            _ => v.as_str().map(str::to_string),
        };
        let Some(text) = text else { continue };
        let Some(message) = status(&text, today) else { continue };
        let range = ctx.prop_range(res, "Version").unwrap_or(node.range);
        ctx.report(res, range, format!("`{}` runs {message}", res.logical_id));
    }
}

/// Kubernetes minor versions on EKS: end of standard support and end of extended support.
const VERSIONS: &[(u32, Date, Date)] = &[
    (23, Date::new(2023, 10, 11), Date::new(2024, 10, 11)),
    (24, Date::new(2024, 1, 31), Date::new(2025, 1, 31)),
    (25, Date::new(2024, 5, 1), Date::new(2025, 5, 1)),
    (26, Date::new(2024, 6, 11), Date::new(2025, 6, 11)),
    (27, Date::new(2024, 7, 24), Date::new(2025, 7, 24)),
    (28, Date::new(2024, 11, 26), Date::new(2025, 11, 26)),
    (29, Date::new(2025, 3, 23), Date::new(2026, 3, 23)),
    (30, Date::new(2025, 7, 23), Date::new(2026, 7, 23)),
    (31, Date::new(2025, 11, 26), Date::new(2026, 11, 26)),
    (32, Date::new(2026, 3, 23), Date::new(2027, 3, 23)),
    (33, Date::new(2026, 7, 29), Date::new(2027, 7, 29)),
    (34, Date::new(2026, 12, 2), Date::new(2027, 12, 2)),
    (35, Date::new(2027, 3, 27), Date::new(2028, 3, 27)),
];

fn status(version: &str, today: Date) -> Option<String> {
    let parts = version_parts(version);
    let (1, minor) = (*parts.first()?, *parts.get(1)?) else { return None };
    let oldest = VERSIONS.first()?;
    if minor < oldest.0 {
        return Some(format!("Kubernetes {version}, long past the end of EKS extended support"));
    }
    let (_, standard, extended) = VERSIONS.iter().find(|(m, _, _)| *m == minor)?;
    if today > *extended {
        Some(format!("Kubernetes {version}, past the end of EKS extended support ({extended}): AWS upgrades it"))
    } else if today > *standard {
        Some(format!(
            "Kubernetes {version}, past the end of EKS standard support ({standard}): it runs on paid extended \
             support until {extended}"
        ))
    } else {
        None
    }
}

fn check(ctx: &mut TfContext) {
    // Without a date the support windows cannot be judged: nothing is flagged.
    if let Some(today) = ctx.today() {
        check_at(ctx, today);
    }
}

fn check_at(ctx: &mut TfContext, today: Date) {
    for res in eks::clusters(ctx) {
        let name =
            if res.is_module() { eks::module_input(res, "cluster_version", "kubernetes_version") } else { "version" };
        let Some((attr, v)) = ctx.attr(res.block, name) else { continue };
        let Some(text) = v.as_str().map(str::to_string) else { continue };
        let Some(message) = status(&text, today) else { continue };
        ctx.report(res, attr.range, format!("`{}` runs {message}", res.address()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::module_files;
    use crate::terraform::Module;

    fn lines_at(text: &str, today: Date) -> Vec<usize> {
        let tf = module_files(&[("main.tf", text)]);
        let expansions = crate::terraform::expand::Expansions::new();
        let module = Module::new(tf.iter().collect(), &expansions);
        let mut findings = Vec::new();
        check_at(&mut TfContext::new(&module, &RULE, &mut findings), today);
        findings.iter().map(|f| text[..f.range.start].matches('\n').count() + 1).collect()
    }

    #[test]
    fn flags_versions_past_standard_support() {
        let text = r#"
resource "aws_eks_cluster" "old" {
  version = "1.21"
}
resource "aws_eks_cluster" "extended" {
  version = "1.32"
}
resource "aws_eks_cluster" "standard" {
  version = "1.34"
}
resource "aws_eks_cluster" "newer" {
  version = "1.36"
}
resource "aws_eks_cluster" "latest" {
}
resource "aws_eks_cluster" "unknown" {
  version = var.k8s
}
module "eks" {
  source          = "terraform-aws-modules/eks/aws"
  version         = "~> 20.0"
  cluster_version = "1.30"
}
"#;
        assert_eq!(lines_at(text, Date::new(2026, 11, 29)), [3, 6, 22]);
        assert_eq!(lines_at(text, Date::new(2026, 12, 3)), [3, 6, 9, 22]);
        assert_eq!(lines_at(text, Date::new(2025, 1, 1)), [3]);
        assert!(status("1.31", Date::new(2026, 11, 29)).unwrap().contains("AWS upgrades it"));
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::cfn_lines;
        // Tests run on TEST_TODAY (2026-11-29).
        let yaml = r#"Resources:
  Old:
    Type: AWS::EKS::Cluster
    Properties:
      Version: "1.21"
  Extended:
    Type: AWS::EKS::Cluster
    Properties:
      Version: 1.30
  Standard:
    Type: AWS::EKS::Cluster
    Properties:
      Version: "1.34"
  Latest:
    Type: AWS::EKS::Cluster
    Properties:
      Name: latest
  Unknown:
    Type: AWS::EKS::Cluster
    Properties:
      Version: !Ref K8s
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [5, 9]);
        let json = r#"{"Resources": {"C": {"Type": "AWS::EKS::Cluster", "Properties": {"Version": "1.31"}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [1]);
    }
}
