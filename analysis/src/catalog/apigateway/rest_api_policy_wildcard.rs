use crate::cloudformation::check::CfnContext;
use crate::policy::{Policy, Statement};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "api-gateway-rest-api-policy-wildcard",
    title: "API Gateway resource policy allows any principal or any API action",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "API Gateway",
    why: "`execute-api:*` to anyone includes cache invalidation and WebSocket connection management; an \
          unconditioned `*` principal removes the one place where a REST API can be restricted to VPCs, IP ranges \
          or accounts.",
    aws_side: "API Gateway evaluates the resource policy with IAM semantics; writing a narrow one is the customer's \
               duty.",
    equivalents: Equivalents { checkov: &[], kics: &["b161c11b-a59b-4431-9a29-4e19f63e6b27"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags the resource policy of a REST API (`aws_api_gateway_rest_api_policy`, \
               `aws_api_gateway_rest_api` `policy`; in CloudFormation `AWS::ApiGateway::RestApi` `Policy`) with an \
               `Allow` statement whose actions include `*` or `execute-api:*`, or whose principal is `*` without a \
               condition.",
        fix: "Allow `execute-api:Invoke` only, to named principals, or to `*` with a condition (`aws:SourceVpce`, \
              `aws:SourceIp`, `aws:PrincipalOrgID`).",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_api_gateway_rest_api_policy", "aws_api_gateway_rest_api"],
            check,
            example: r#"resource "aws_api_gateway_rest_api_policy" "api" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "execute-api:*"
      Resource  = "${aws_api_gateway_rest_api.api.execution_arn}/*"
    }]
  })
}"#,
            fixed_example: r#"resource "aws_api_gateway_rest_api_policy" "api" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "execute-api:Invoke"
      Resource  = "${aws_api_gateway_rest_api.api.execution_arn}/*"
      Condition = { StringEquals = { "aws:SourceVpce" = "vpce-0123456789abcdef0" } }
    }]
  })
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ApiGateway::RestApi"],
            check: check_cfn,
            example: r#"Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: api
      Policy:
        Statement:
          - Effect: Allow
            Principal: '*'
            Action: execute-api:Invoke
            Resource: execute-api:/*
"#,
            fixed_example: r#"Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: api
      Policy:
        Statement:
          - Effect: Allow
            Principal: '*'
            Action: execute-api:Invoke
            Resource: execute-api:/*
            Condition:
              StringEquals:
                aws:SourceVpce: vpce-0123456789abcdef0
"#,
        }),
    },
};

fn wildcard_action(s: &Statement) -> Option<&str> {
    s.actions.iter().map(String::as_str).find(|a| *a == "*" || a.eq_ignore_ascii_case("execute-api:*"))
}

/// What is wrong with a policy, in words (`None`: nothing).
fn problem(policy: &Policy) -> Option<String> {
    for s in policy.statements.iter().filter(|s| s.allow) {
        if let Some(action) = wildcard_action(s) {
            return Some(format!("allows `{action}`"));
        }
        if s.has_public_principal() && s.conditions.is_empty() {
            return Some("allows any principal without a condition".into());
        }
    }
    None
}

fn check(ctx: &mut TfContext) {
    for ty in ["aws_api_gateway_rest_api_policy", "aws_api_gateway_rest_api"] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let Some(attr) = res.block.attr("policy") else { continue };
            let Some(policy) = ctx.policy(&attr.expr) else { continue };
            if let Some(problem) = problem(&policy) {
                let message = format!("`{}` has a resource policy that {problem}", res.address());
                ctx.report(res, attr.range, message);
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ApiGateway::RestApi").collect::<Vec<_>>() {
        let Some((node, _)) = ctx.prop(res, "Policy") else { continue };
        let Some(policy) = ctx.policy(node) else { continue };
        if let Some(problem) = problem(&policy) {
            let range = ctx.prop_range(res, "Policy").unwrap_or(node.range);
            let message = format!("`{}` has a resource policy that {problem}", res.logical_id);
            ctx.report(res, range, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn wildcard_policies() {
        let tf = r#"resource "aws_api_gateway_rest_api_policy" "wild" {
  policy = <<EOF
{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "execute-api:*", "Resource": "*"}]}
EOF
}
resource "aws_api_gateway_rest_api_policy" "narrow" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::1:user/u" }, Action = "execute-api:Invoke", Resource = "*" }] })
}
resource "aws_api_gateway_rest_api" "conditioned" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "execute-api:Invoke", Resource = "*", Condition = { IpAddress = { "aws:SourceIp" = "10.0.0.0/8" } } }] })
}
resource "aws_api_gateway_rest_api" "deny" {
  policy = jsonencode({ Statement = [{ Effect = "Deny", Principal = "*", Action = "*", Resource = "*" }] })
}
"#;
        assert_eq!(lines(&RULE, tf), [2]);
        let yaml = "Resources:\n  A:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      Policy:\n        Statement:\n          - Effect: Allow\n            Principal: {AWS: ['111122223333', '*']}\n            Action: execute-api:Invoke\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
    }
}
