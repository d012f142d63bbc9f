use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::NodeKind;
use crate::fix::Fix;
use crate::kit::eks;
use crate::kit::lifecycle::module_major;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "eks-secrets-unencrypted",
    title: "EKS secrets are not envelope-encrypted with a KMS key",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "EKS",
    why: "Kubernetes secrets hold database passwords, API tokens and TLS keys. Without envelope encryption with a \
          KMS key the customer controls, anyone with access to etcd data or its backups reads them, there is no \
          key policy to restrict or audit their decryption in CloudTrail, and access cannot be revoked by \
          disabling the key.",
    aws_side: "AWS runs and encrypts the control plane's etcd volumes (with an AWS-owned key by default). \
               Envelope encryption of secrets with a customer-managed KMS key, its key policy and its rotation \
               are the customer's to configure.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_58"],
        kics: &["63ebcb19-2739-4d3f-aa5c-e8bbb9b85281"],
        trivy: &["AVD-AWS-0039", "aws-eks-encrypt-secrets"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_eks_cluster` resources without an `encryption_config` whose `resources` include \
               `\"secrets\"`, and `terraform-aws-modules/eks` calls that turn the module's encryption config off.",
        fix: "Add `encryption_config { resources = [\"secrets\"] provider { key_arn = <KMS key ARN> } }` (for the \
              module, keep the default `encryption_config`/`cluster_encryption_config`).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_eks_cluster"],
            check,
            example: r#"resource "aws_eks_cluster" "main" {
  name     = "main"
  role_arn = aws_iam_role.cluster.arn
  vpc_config {
    subnet_ids = var.subnet_ids
  }
}"#,
            fixed_example: r#"resource "aws_eks_cluster" "main" {
  name     = "main"
  role_arn = aws_iam_role.cluster.arn
  vpc_config {
    subnet_ids = var.subnet_ids
  }
  encryption_config {
    resources = ["secrets"]
    provider {
      key_arn = aws_kms_key.eks.arn
    }
  }
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
      ResourcesVpcConfig:
        SubnetIds: !Ref SubnetIds
"#,
            fixed_example: r#"Resources:
  Main:
    Type: AWS::EKS::Cluster
    Properties:
      Name: main
      RoleArn: !GetAtt ClusterRole.Arn
      ResourcesVpcConfig:
        SubnetIds: !Ref SubnetIds
      EncryptionConfig:
        - Resources: [secrets]
          Provider:
            KeyArn: !GetAtt EksKey.Arn
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources(eks::CFN_CLUSTER).collect::<Vec<_>>() {
        let id = res.logical_id;
        let Some((node, v)) = ctx.prop(res, "EncryptionConfig") else {
            let value = json!([{"Resources": ["secrets"], "Provider": {"KeyArn": {"Fn::GetAtt": ["EksKey", "Arn"]}}}]);
            let fix = Fix::unsafe_(
                "Encrypt secrets with a KMS key (set the key ARN)",
                vec![cfn_edit::set_property(ctx.template, res, "EncryptionConfig", &value)],
            );
            let range = ctx.header(res);
            let message = format!("`{id}` does not envelope-encrypt Kubernetes secrets with a KMS key");
            ctx.report(res, range, message).fixes.push(fix);
            continue;
        };
        let configs = v.one_or_many();
        let unknown = !v.is_known()
            || configs.iter().any(|c| {
                let r = c.get("Resources");
                !r.is_known() || r.one_or_many().iter().any(|i| !i.is_known())
            });
        let secrets =
            configs.iter().any(|c| c.get("Resources").one_or_many().iter().any(|i| i.as_str() == Some("secrets")));
        if secrets || unknown {
            continue;
        }
        let range = ctx.prop_range(res, "EncryptionConfig").unwrap_or(node.range);
        let message = format!("`{id}` has an `EncryptionConfig` that does not cover `secrets`");
        // The first config map: encrypt `secrets` with its key.
        let fix = node
            .items()
            .first()
            .filter(|f| (matches!(f.kind, NodeKind::Map(_)) && f.intrinsic().is_none()))
            .map(|first| cfn_edit::set_key(ctx.template, first, "Resources", &json!(["secrets"])))
            .map(|edit| Fix::new("Encrypt secrets", vec![edit]));
        ctx.report(res, range, message).fixes.extend(fix);
    }
}

fn check(ctx: &mut TfContext) {
    for res in eks::clusters(ctx) {
        if res.is_module() {
            check_module(ctx, res);
            continue;
        }
        let configs: Vec<_> = ctx.blocks_of(res.block, "encryption_config");
        let address = res.address();
        let file = ctx.file(res);
        if configs.is_empty() {
            let fix = Fix::unsafe_(
                "Encrypt secrets with a KMS key (set the key ARN)",
                vec![edit::insert_in_block(
                    file,
                    res.block,
                    "encryption_config {\n  resources = [\"secrets\"]\n  provider {\n    key_arn = aws_kms_key.eks.arn\n  }\n}",
                )],
            );
            let message = format!("`{address}` does not envelope-encrypt Kubernetes secrets with a KMS key");
            ctx.report_with_fix(res, res.block.header, message, fix);
            continue;
        }
        let mut unknown = false;
        let mut secrets = false;
        for config in &configs {
            match ctx.attr(config, "resources").map(|(_, v)| v) {
                Some(v) if !v.is_known() => unknown = true,
                Some(v) => {
                    let items = v.one_or_many();
                    unknown |= items.iter().any(|i| !i.is_known());
                    secrets |= items.iter().any(|i| i.as_str() == Some("secrets"));
                }
                None => {}
            }
        }
        if secrets || unknown {
            continue;
        }
        let config = configs[0];
        match config.attr("resources") {
            Some(attr) => {
                let fix =
                    Fix::new("Encrypt secrets", vec![edit::set_attribute(file, config, "resources", "[\"secrets\"]")]);
                let message = format!("`{address}` has an `encryption_config` that does not cover `secrets`");
                ctx.report_with_fix(res, attr.range, message, fix);
            }
            None => {
                let fix =
                    Fix::new("Encrypt secrets", vec![edit::set_attribute(file, config, "resources", "[\"secrets\"]")]);
                let message = format!("`{address}` has an `encryption_config` without `resources = [\"secrets\"]`");
                ctx.report_with_fix(res, config.header, message, fix);
            }
        }
    }
}

/// The module encrypts secrets with its own KMS key since v19 unless the encryption config is emptied.
fn check_module(ctx: &mut TfContext, res: Resource) {
    let name = eks::module_input(res, "cluster_encryption_config", "encryption_config");
    let address = res.address();
    match ctx.attr(res.block, name) {
        None if module_major(res.block).is_some_and(|m| m < 19) => {
            let message =
                format!("`{address}` uses a module version that does not encrypt Kubernetes secrets by default");
            ctx.report(res, res.block.header, message);
        }
        Some((attr, v)) if is_empty(&v) => {
            let message =
                format!("`{address}` turns off envelope encryption of Kubernetes secrets (`{name}` is empty)");
            ctx.report(res, attr.range, message);
        }
        _ => {}
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::List(items) => items.is_empty(),
        Value::Map(map) => map.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_clusters_without_secret_encryption() {
        let text = r#"
variable "cluster_name" {
  default = "example"
}
resource "aws_eks_cluster" "absent" {
  name = var.cluster_name
}
resource "aws_eks_cluster" "wrong" {
  encryption_config {
    resources = ["s"]
    provider {
      key_arn = "test"
    }
  }
}
resource "aws_eks_cluster" "secrets" {
  encryption_config {
    resources = ["secrets"]
    provider {
      key_arn = "test"
    }
  }
}
resource "aws_eks_cluster" "unknown" {
  encryption_config {
    resources = var.resources
  }
}
module "eks_off" {
  source                    = "terraform-aws-modules/eks/aws"
  version                   = "~> 20.0"
  cluster_encryption_config = {}
}
module "eks_default" {
  source = "terraform-aws-modules/eks/aws"
}
module "eks_v18" {
  source  = "terraform-aws-modules/eks/aws"
  version = "18.31.0"
}
"#;
        assert_eq!(lines(&RULE, text), [5, 10, 32, 37]);
        assert_eq!(check_fixes(&RULE, text), 2);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = r#"Resources:
  Absent:
    Type: AWS::EKS::Cluster
    Properties:
      Name: a
  Other:
    Type: AWS::EKS::Cluster
    Properties:
      EncryptionConfig:
        - Resources: [configmaps]
          Provider: {KeyArn: !GetAtt Key.Arn}
  Secrets:
    Type: AWS::EKS::Cluster
    Properties:
      EncryptionConfig:
        - Resources: [secrets]
          Provider: {KeyArn: !GetAtt Key.Arn}
  Unknown:
    Type: AWS::EKS::Cluster
    Properties:
      EncryptionConfig: !Ref Config
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [2, 9]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
        let json = r#"{"Resources": {"C": {"Type": "AWS::EKS::Cluster", "Properties": {"Name": "c"}}}}"#;
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
