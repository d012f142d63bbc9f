use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "sagemaker-endpoint-config-not-encrypted",
    title: "SageMaker endpoint configuration does not encrypt its storage with a KMS key",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "SageMaker",
    why: "The storage volumes of endpoint instances hold the model artefacts and cached request data; a customer-managed key controls and audits who can decrypt them.",
    aws_side: "AWS encrypts with its own key by default. The customer-managed key is the customer's choice.",
    equivalents: Equivalents { checkov: &["CKV_AWS_98"], kics: &["58b35504-0287-4154-bf69-02c0573deab8", "44034eda-1c3f-486a-831d-e09a7dd94354"], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_sagemaker_endpoint_configuration"],
            path: "kms_key_arn",
            applies: Some(has_storage_volume),
            example: r#"resource "aws_sagemaker_endpoint_configuration" "this" {
  name = "inference"
  production_variants {
    variant_name  = "main"
    model_name    = aws_sagemaker_model.m.name
    instance_type = "ml.m5.large"
  }
}"#,
            fixed: r#"resource "aws_sagemaker_endpoint_configuration" "this" {
  name = "inference"
  production_variants {
    variant_name  = "main"
    model_name    = aws_sagemaker_model.m.name
    instance_type = "ml.m5.large"
  }
  kms_key_arn = "<customer-managed-kms-key-arn>"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::SageMaker::EndpointConfig"],
            path: "KmsKeyId",
            example: r#"Resources:
  This:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants:
        - VariantName: main
          ModelName: !GetAtt Model.ModelName
          InstanceType: ml.m5.large
          InitialInstanceCount: 1
          InitialVariantWeight: 1
"#,
            fixed: r#"Resources:
  This:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants:
        - VariantName: main
          ModelName: !GetAtt Model.ModelName
          InstanceType: ml.m5.large
          InitialInstanceCount: 1
          InitialVariantWeight: 1
      KmsKeyId: '<customer-managed-kms-key-arn>'
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Kms,
        absent: Some("its storage volumes are encrypted with a key AWS manages, which no key policy of yours governs"),
        insecure: "an AWS-managed key is governed by no key policy of yours",
        ..Setting::DEFAULT
    },
};

/// Instance types with local NVMe storage (`ml.*d.*`, `ml.g4dn`, `ml.p3dn`, ...) have no storage volume to
/// encrypt: SageMaker rejects a key for them. A configuration whose every variant is one is not judged.
fn has_storage_volume(ctx: &TfContext, res: Resource) -> bool {
    let types: Vec<Option<String>> = ctx
        .nested(res.config(), "production_variants")
        .into_iter()
        .map(|v| {
            ctx.field(v, "instance_type").and_then(|(_, t)| match t {
                Value::String(s) => Some(s),
                _ => None,
            })
        })
        .collect();
    let local_nvme = |t: &Option<String>| {
        t.as_ref()
            .is_some_and(|t| t.split('.').nth(1).is_some_and(|family| family.ends_with('d') || family.ends_with("dn")))
    };
    types.is_empty() || !types.iter().all(local_nvme)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_example, cfn_lines, check_cfn_fixes, check_fixes, lines, tf_example};

    #[test]
    fn flags_the_setting_in_both_formats() {
        assert_eq!(
            lines(
                &RULE,
                r#"resource "aws_sagemaker_endpoint_configuration" "t" {
  name = "inference"
  production_variants {
    variant_name  = "main"
    model_name    = aws_sagemaker_model.m.name
    instance_type = "ml.m5.large"
  }
  kms_key_arn = aws_kms_key.k.arn
}
"#
            )
            .len(),
            0
        );
        let (tf, cfn) = (tf_example(&RULE), cfn_example(&RULE));
        assert_eq!(check_fixes(&RULE, &tf.0), 1);
        assert!(lines(&RULE, &tf.1).is_empty());
        assert_eq!(check_cfn_fixes(&RULE, &cfn.0), 1);
        assert!(cfn_lines(&RULE, &cfn.1).is_empty());
    }
}
