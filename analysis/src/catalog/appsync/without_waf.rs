use crate::cloudformation::check::CfnContext;
use crate::kit::waf::{self, Coverage};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "appsync-without-waf",
    title: "AppSync GraphQL API is not protected by AWS WAF",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "AppSync",
    why: "GraphQL endpoints are easy to abuse with deep or batched queries; WAF adds rate-based rules, size limits \
          and managed rule sets in front of the resolvers.",
    aws_side: "WAF filters requests once a web ACL is associated; the customer picks the rules and associates them.",
    equivalents: Equivalents { checkov: &["CKV2_AWS_33"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_appsync_graphql_api` that no `aws_wafv2_web_acl_association` names; in CloudFormation, \
               `AWS::AppSync::GraphQLApi` that no `AWS::WAFv2::WebACLAssociation` names.",
        fix: "Associate a regional WAF web ACL with the API (`aws_wafv2_web_acl_association` with `resource_arn = \
              aws_appsync_graphql_api.<name>.arn`).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_appsync_graphql_api"],
            check,
            example: r#"resource "aws_appsync_graphql_api" "api" {
  name                = "api"
  authentication_type = "AMAZON_COGNITO_USER_POOLS"
}"#,
            fixed_example: r#"resource "aws_appsync_graphql_api" "api" {
  name                = "api"
  authentication_type = "AMAZON_COGNITO_USER_POOLS"
}

resource "aws_wafv2_web_acl_association" "api" {
  resource_arn = aws_appsync_graphql_api.api.arn
  web_acl_arn  = aws_wafv2_web_acl.api.arn
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::AppSync::GraphQLApi"],
            check: check_cfn,
            example: r#"Resources:
  Api:
    Type: AWS::AppSync::GraphQLApi
    Properties:
      Name: api
      AuthenticationType: AMAZON_COGNITO_USER_POOLS
"#,
            fixed_example: r#"Resources:
  Api:
    Type: AWS::AppSync::GraphQLApi
    Properties:
      Name: api
      AuthenticationType: AMAZON_COGNITO_USER_POOLS
  ApiWebAclAssociation:
    Type: AWS::WAFv2::WebACLAssociation
    Properties:
      ResourceArn: !GetAtt Api.Arn
      WebACLArn: !GetAtt WebAcl.Arn
"#,
        }),
    },
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_appsync_graphql_api").collect::<Vec<_>>() {
        if waf::tf_coverage(ctx, res, &["aws_appsync_graphql_api"]) != Coverage::None {
            continue;
        }
        let fix = waf::tf_association_fix(ctx, res);
        let message = format!("`{}` is not associated with a WAF web ACL", res.address());
        ctx.report_with_fix(res, res.block.header, message, fix);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::AppSync::GraphQLApi").collect::<Vec<_>>() {
        if waf::cfn_coverage(ctx, res, &["AWS::AppSync::GraphQLApi"], |_| false) != Coverage::None {
            continue;
        }
        let fix = waf::cfn_association_fix(ctx, res, json!({"Fn::GetAtt": [res.logical_id, "Arn"]}));
        let range = ctx.header(res);
        let message = format!("`{}` is not associated with a WAF web ACL", res.logical_id);
        ctx.report(res, range, message).fixes.extend(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn apis_without_web_acls() {
        let tf = "resource \"aws_appsync_graphql_api\" \"a\" {\n}\nresource \"aws_appsync_graphql_api\" \"b\" {\n}\nresource \"aws_wafv2_web_acl_association\" \"b\" {\n  resource_arn = aws_appsync_graphql_api.b.arn\n}\n";
        assert_eq!(lines(&RULE, tf), [1]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::AppSync::GraphQLApi\n    Properties:\n      Name: a\n  B:\n    Type: AWS::AppSync::GraphQLApi\n    Properties:\n      Name: b\n  Assoc:\n    Type: AWS::WAFv2::WebACLAssociation\n    Properties:\n      ResourceArn: !GetAtt B.Arn\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
