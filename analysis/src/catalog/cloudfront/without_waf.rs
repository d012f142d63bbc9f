use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::cloudfront;
use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};

pub static RULE: Rule = Rule {
    id: "cloudfront-without-waf",
    title: "CloudFront distribution is not protected by AWS WAF",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "CloudFront",
    why: "CloudFront is the public front door; without WAF there is no rate limiting, bot control or managed \
          rules in front of the origin.",
    aws_side: "AWS Shield Standard covers network-layer DDoS for every distribution; application-layer filtering \
               exists only with a web ACL the customer attaches.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_68"],
        kics: &["1419b4c6-6d5c-4534-9cf6-6a5266085333", "0f139403-303f-467c-96bd-e717e6cfd62d"],
        trivy: &["AVD-AWS-0011", "aws-cloudfront-enable-waf"],
    },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_cloudfront_distribution"],
            modules: &[("cloudfront", "web_acl_id", true)],
            path: "web_acl_id",
            applies: Some(tf_enabled),
            example: r#"resource "aws_cloudfront_distribution" "site" {
  enabled = true
}"#,
            fixed: r#"resource "aws_cloudfront_distribution" "site" {
  enabled = true
  web_acl_id = "<web-acl-arn>"
}"#,
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::CloudFront::Distribution"],
            path: "DistributionConfig.WebACLId",
            applies: Some(cfn_enabled),
            example: r#"Resources:
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
"#,
            fixed: r#"Resources:
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        WebACLId: '<web-acl-arn>'
"#,
        }),
        want: Want::Present { placeholder: "<web-acl-arn>" },
        absent: Some("no WAF web ACL filters its requests"),
        insecure: "no WAF web ACL filters its requests",
        fix: "Set `web_acl_id` to the ARN of a WAFv2 web ACL of scope `CLOUDFRONT` (created in us-east-1), such as \
              `aws_wafv2_web_acl.<name>.arn`. In CloudFormation: `DistributionConfig.WebACLId`.",
        fix_title: "Attach a WAF web ACL (placeholder to replace)",
    },
};

/// A disabled distribution serves nothing.
fn tf_enabled(ctx: &TfContext, res: Resource) -> bool {
    !cloudfront::tf_disabled(ctx, res)
}

fn cfn_enabled(ctx: &CfnContext, res: CfnResource) -> bool {
    !cloudfront::cfn_disabled(ctx, res)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn distributions_and_modules_without_web_acls() {
        let tf = "resource \"aws_cloudfront_distribution\" \"a\" {\n  enabled = true\n}\nresource \"aws_cloudfront_distribution\" \"off\" {\n  enabled = false\n}\nresource \"aws_cloudfront_distribution\" \"empty\" {\n  web_acl_id = \"\"\n}\nmodule \"cdn\" {\n  source = \"terraform-aws-modules/cloudfront/aws\"\n}\n";
        assert_eq!(lines(&RULE, tf), [1, 8, 10]);
        let yaml = "Resources:\n  A:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        WebACLId: ''\n  B:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Enabled: false\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6]);
    }
}
