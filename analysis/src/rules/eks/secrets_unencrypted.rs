use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rules::lambda::lifecycle::module_major;
use crate::rules::{Equivalents, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "eks-secrets-unencrypted",
    title: "EKS secrets are not envelope-encrypted with a KMS key",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "EKS",
    what: "Flags `aws_eks_cluster` resources without an `encryption_config` whose `resources` include \
           `\"secrets\"`, and `terraform-aws-modules/eks` calls that turn the module's encryption config off.",
    why: "Kubernetes secrets hold database passwords, API tokens and TLS keys. Without envelope encryption with a \
          KMS key the customer controls, anyone with access to etcd data or its backups reads them, there is no \
          key policy to restrict or audit their decryption in CloudTrail, and access cannot be revoked by \
          disabling the key.",
    aws_side: "AWS runs and encrypts the control plane's etcd volumes (with an AWS-owned key by default). \
               Envelope encryption of secrets with a customer-managed KMS key, its key policy and its rotation \
               are the customer's to configure.",
    fix: "Add `encryption_config { resources = [\"secrets\"] provider { key_arn = <KMS key ARN> } }` (for the \
          module, keep the default `encryption_config`/`cluster_encryption_config`).",
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
    equivalents: Equivalents {
        checkov: &["CKV_AWS_58"],
        kics: &["63ebcb19-2739-4d3f-aa5c-e8bbb9b85281"],
        trivy: &["AVD-AWS-0039", "aws-eks-encrypt-secrets"],
    },
    resource_types: &["aws_eks_cluster"],
    terraform: Some(check),
    cloudformation: None,
    has_fix: true,
};

fn check(ctx: &mut TfContext) {
    for res in super::clusters(ctx) {
        if res.is_module() {
            check_module(ctx, res);
            continue;
        }
        let configs: Vec<_> = res.block.blocks("encryption_config").collect();
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
    let name = super::module_input(res, "cluster_encryption_config", "encryption_config");
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
    use crate::rules::testing::{check_fixes, lines};

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
}
