use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{indent_unit, indentation_at, line_ending, Edit, Fix};
use crate::kit::elb::listener_protocol;
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{is_registry_module, Resource, TfContext};
use crate::terraform::edit;
use crate::terraform::model::ExprKind;
use crate::terraform::view::Config;

pub static RULE: Rule = Rule {
    id: "alb-http-listener",
    title: "Load balancer listener serves plain HTTP",
    severity: Severity::High,
    row: Row::NetworkSecurity,
    service: "ELB",
    why: "Over plain HTTP, session cookies, credentials, tokens and page content cross the network in clear: \
          anyone on the path (public Wi-Fi, a compromised router, a proxy) can read and alter them. HTTP \
          listeners should only redirect to HTTPS.",
    aws_side: "AWS terminates TLS on the load balancer for free with ACM certificates, but serves whatever \
               listeners the customer defines. Choosing HTTPS and redirecting HTTP is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_2"],
        kics: &["80908a75-586b-4c61-ab04-490f4f4525b8"],
        trivy: &["AVD-AWS-0054", "aws-elb-http-not-used"],
    },
    related: Related {
        checkov: &["CKV2_AWS_20", "CKV_AWS_378"],
        kics: &["de7f5e83-da88-4046-871f-ea18504b1d43", "275a3217-ca37-40c1-a6cf-bb57d245ab32"],
        trivy: &[],
        how: "Checkov's CKV2_AWS_20 reports on the `aws_lb` and accepts only port 80 HTTP redirected to port 443 \
              HTTPS (an 8080 listener redirecting to HTTPS fails), and CKV_AWS_378 fails HTTP target groups, the \
              backend protocol; this rule judges listeners only. KICS's Terraform ALB Listening on HTTP (de7f5e83) \
              judges a listener only when its `aws_lb` is declared and is an application load balancer, and fails any \
              HTTP listener without an HTTPS redirect, a `fixed-response` one included; this rule also flags an \
              explicit HTTP listener of a load balancer it cannot see, and passes `fixed-response` actions. KICS's \
              CloudFormation query (275a3217) fails every HTTP `AWS::ElasticLoadBalancingV2::Listener`, one \
              redirecting to HTTPS included, and of a classic load balancer only its second listener; this rule \
              passes HTTPS redirects and judges every classic listener.",
    },
    matcher: &Custom {
        what:
            "Flags `aws_lb_listener` / `aws_alb_listener` resources that serve HTTP (explicitly, or by default on an \
             application load balancer) without redirecting to HTTPS, including redirects that keep HTTP; and \
             HTTP listeners of the alb registry module without an HTTPS redirect.",
        fix: "Serve the application on an HTTPS listener and make the HTTP listener's default action a redirect \
              to HTTPS (`status_code = \"HTTP_301\"`).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_lb_listener", "aws_alb_listener"],
            check,
            example: r#"resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}"#,
            fixed_example: r#"resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ElasticLoadBalancingV2::Listener", "AWS::ElasticLoadBalancing::LoadBalancer"],
            check: check_cfn,
            example: r#"Resources:
  HttpListener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Web
      Port: 80
      Protocol: HTTP
      DefaultActions:
        - Type: forward
          TargetGroupArn: !Ref WebTargets
"#,
            fixed_example: r#"Resources:
  HttpListener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Web
      Port: 80
      Protocol: HTTP
      DefaultActions:
        - Type: redirect
          RedirectConfig:
            Protocol: HTTPS
            Port: '443'
            StatusCode: HTTP_301
"#,
        }),
    },
};

/// HTTP listeners of a template: `AWS::ElasticLoadBalancingV2::Listener` with `Protocol: HTTP` whose default
/// action does not redirect to HTTPS, and listeners of classic load balancers with `Protocol: HTTP` (a classic
/// load balancer cannot redirect).
fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ElasticLoadBalancingV2::Listener").collect::<Vec<_>>() {
        let Some((protocol, value)) = ctx.prop(res, "Protocol") else { continue };
        if !value.as_str().is_some_and(|p| p.eq_ignore_ascii_case("HTTP")) {
            continue;
        }
        let actions = ctx.prop(res, "DefaultActions");
        let redirect = actions.as_ref().and_then(|(node, _)| {
            node.items().iter().find(|a| a.get("Type").is_some_and(|t| ctx.eval(t).as_str() == Some("redirect")))
        });
        let redirect_protocol = redirect.and_then(|a| a.get("RedirectConfig")).and_then(|c| c.get("Protocol"));
        match redirect_protocol.map(|p| ctx.eval(p)) {
            Some(v) if v.as_str().is_some_and(|p| p.eq_ignore_ascii_case("HTTPS")) => continue,
            // An unresolved redirect protocol: not judged.
            Some(v) if !v.is_known() => continue,
            _ => {}
        }
        let range = ctx.prop_range(res, "Protocol").unwrap_or(protocol.range);
        let (message, fix) = match redirect.and_then(|a| a.get("RedirectConfig")) {
            Some(config) if !config.entries().is_empty() => (
                format!("`{}` redirects HTTP to HTTP, not HTTPS", res.logical_id),
                Fix::new(
                    "Redirect to HTTPS",
                    vec![cfn_edit::set_key(ctx.template, config, "Protocol", &serde_json::json!("HTTPS"))],
                ),
            ),
            _ => {
                let action = serde_json::json!([{
                    "Type": "redirect",
                    "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}
                }]);
                let edit = cfn_edit::set_property(ctx.template, res, "DefaultActions", &action);
                (format!("`{}` serves plain HTTP", res.logical_id), Fix::new("Redirect HTTP to HTTPS", vec![edit]))
            }
        };
        ctx.report(res, range, message).fixes.push(fix);
    }
    for res in ctx.resources("AWS::ElasticLoadBalancing::LoadBalancer").collect::<Vec<_>>() {
        let Some((listeners, _)) = ctx.prop(res, "Listeners") else { continue };
        for listener in listeners.items() {
            let Some(entry) = listener.entry("Protocol") else { continue };
            if !ctx.eval(&entry.value).as_str().is_some_and(|p| p.eq_ignore_ascii_case("HTTP")) {
                continue;
            }
            let message = format!("`{}` has a listener serving plain HTTP", res.logical_id);
            ctx.report(res, entry.range, message);
        }
    }
}

/// Text of a `default_action` that redirects to HTTPS, indented like the block it replaces.
fn redirect_block(source: &str, at: usize) -> String {
    let i = indentation_at(source, at);
    let u = indent_unit(source);
    let eol = line_ending(source);
    [
        "default_action {".to_string(),
        format!("{i}{u}type = \"redirect\""),
        String::new(),
        format!("{i}{u}redirect {{"),
        format!("{i}{u}{u}port        = \"443\""),
        format!("{i}{u}{u}protocol    = \"HTTPS\""),
        format!("{i}{u}{u}status_code = \"HTTP_301\""),
        format!("{i}{u}}}"),
        format!("{i}}}"),
    ]
    .join(eol)
}

fn check(ctx: &mut TfContext) {
    let listeners: Vec<Resource> = ctx.resources("aws_lb_listener").chain(ctx.resources("aws_alb_listener")).collect();
    for res in listeners {
        if listener_protocol(ctx, res).as_deref() != Some("HTTP") {
            continue;
        }
        let actions: Vec<_> = ctx.blocks_of(res.block, "default_action");
        let mut flagged = None;
        let mut unknown = false;
        for action in &actions {
            let Some((_, ty)) = ctx.attr(action, "type") else { continue };
            match ty.as_str() {
                Some("redirect") => {
                    let redirect = ctx.block_of(action, "redirect");
                    let protocol = redirect.and_then(|r| ctx.attr(r, "protocol"));
                    match protocol.as_ref().map(|(_, v)| v.as_str()) {
                        Some(Some(p)) if p.eq_ignore_ascii_case("HTTPS") => {}
                        Some(None) => unknown = true,
                        // Absent, `HTTP` or `#{protocol}`: the redirect stays on HTTP.
                        _ => flagged = Some((*action, redirect, protocol.map(|(a, _)| a))),
                    }
                }
                Some("forward") => flagged = flagged.or(Some((*action, None, None))),
                Some(_) => {}
                None => unknown = true,
            }
        }
        if unknown {
            continue;
        }
        let Some((action, redirect, protocol_attr)) = flagged else { continue };
        let file = ctx.file(res);
        let address = res.address();
        match (redirect, protocol_attr) {
            (Some(redirect), attr) => {
                let fix =
                    Fix::new("Redirect to HTTPS", vec![edit::set_attribute(file, redirect, "protocol", "\"HTTPS\"")]);
                let range = attr.map(|a| a.range).unwrap_or(redirect.header);
                ctx.report_with_fix(res, range, format!("`{address}` redirects HTTP to HTTP, not HTTPS"), fix);
            }
            (None, _) => {
                let source = &file.source;
                let start = action.range.start;
                let fix = Fix::unsafe_(
                    "Redirect HTTP to HTTPS (needs an HTTPS listener)",
                    vec![Edit {
                        range: crate::text::TextRange::new(start, action.range.end),
                        text: redirect_block(source, start),
                    }],
                );
                let range = res.block.attr("protocol").map(|a| a.range).unwrap_or(action.header);
                ctx.report_with_fix(res, range, format!("`{address}` serves plain HTTP"), fix);
            }
        }
    }
    check_modules(ctx);
}

/// Whether a module listener object redirects to HTTPS (v6 `action_type`/`redirect`, v9 `redirect`).
fn module_redirects_to_https(ctx: &TfContext, listener: Config) -> Option<bool> {
    let redirect = ctx.nested(listener, "redirect").into_iter().next();
    let Some(redirect) = redirect else { return Some(false) };
    let protocol = redirect.attr("protocol").map(|f| ctx.value(f));
    match protocol {
        Some(v) => Some(v.as_str()?.eq_ignore_ascii_case("HTTPS")),
        None => Some(false),
    }
}

fn check_modules(ctx: &mut TfContext) {
    let modules: Vec<Resource> = ctx.blocks("module").filter(|r| is_registry_module(r.block, "alb")).collect();
    for res in modules {
        let mut listeners = ctx.nested(res.config(), "http_tcp_listeners");
        // v9: `listeners = { name = { ... } }`.
        if let Some(field) = res.config().attr("listeners") {
            if let ExprKind::Object(entries) = &field.expr.kind {
                listeners.extend(
                    entries
                        .iter()
                        .filter(|(_, v)| matches!(v.kind, ExprKind::Object(_)))
                        .map(|(_, v)| Config::Object(v)),
                );
            }
        }
        for listener in listeners {
            let protocol = listener.attr("protocol").map(|f| ctx.value(f));
            if protocol.as_ref().and_then(|v| v.as_str()).map(str::to_ascii_uppercase).as_deref() != Some("HTTP") {
                continue;
            }
            if module_redirects_to_https(ctx, listener) != Some(false) {
                continue;
            }
            let fixed = listener.attr("fixed_response").is_some()
                || listener.attr("action_type").is_some_and(|f| ctx.value(f).as_str() == Some("fixed-response"));
            if fixed {
                continue;
            }
            let message = format!("`{}` has an HTTP listener that does not redirect to HTTPS", res.address());
            ctx.report(res, listener.header(), message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_http_forwards_and_http_redirects() {
        let text = r#"resource "aws_lb_listener" "a" {
  load_balancer_arn = aws_lb.app.arn
  port              = 80
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.t.arn
  }
}
resource "aws_lb" "app" {
  internal = true
}
resource "aws_alb_listener" "b" {
  port     = 80
  protocol = "HTTP"
  default_action {
    type = "redirect"
    redirect {
      port        = "80"
      protocol    = "HTTP"
      status_code = "HTTP_301"
    }
  }
}
"#;
        assert_eq!(lines(&RULE, text), vec![4, 19]);
        assert_eq!(check_fixes(&RULE, text), 2);
    }

    #[test]
    fn ignores_https_redirects_nlbs_and_unknowns() {
        let text = r#"resource "aws_lb_listener" "a" {
  port = 80
  default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}
resource "aws_lb_listener" "b" {
  protocol = "HTTPS"
  port     = 80
  default_action {
    type = "forward"
  }
}
resource "aws_lb" "nlb" {
  load_balancer_type = "network"
}
resource "aws_lb_listener" "c" {
  load_balancer_arn = aws_lb.nlb.arn
  port              = 80
  default_action {
    type = "forward"
  }
}
resource "aws_lb_listener" "d" {
  protocol = var.protocol
  default_action {
    type = "forward"
  }
}
"#;
        assert!(lines(&RULE, text).is_empty());
    }

    #[test]
    fn the_redirect_fix_keeps_the_file_style() {
        let found = crate::kit::testing::run(&RULE, &crate::kit::testing::tf_example(&RULE).0);
        let fixed = found[0].fixes[0].apply(&crate::kit::testing::tf_example(&RULE).0);
        assert_eq!(fixed, crate::kit::testing::tf_example(&RULE).1);
    }

    #[test]
    fn flags_module_listeners_without_redirect() {
        let text = r#"module "alb" {
  source = "terraform-aws-modules/alb/aws"
  http_tcp_listeners = [
    {
      port     = 80
      protocol = "HTTP"
    },
    {
      port        = 81
      protocol    = "HTTP"
      action_type = "redirect"
      redirect = {
        port        = "443"
        protocol    = "HTTPS"
        status_code = "HTTP_301"
      }
    }
  ]
}
"#;
        assert_eq!(lines(&RULE, text), vec![4]);
    }

    #[test]
    fn cloudformation_listeners() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = r#"Resources:
  A:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      Port: 80
      Protocol: HTTP
      DefaultActions:
        - Type: forward
          TargetGroupArn: !Ref T
  B:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      Protocol: HTTP
      DefaultActions:
        - Type: redirect
          RedirectConfig:
            Protocol: HTTPS
  C:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      Protocol: HTTP
      DefaultActions:
        - Type: redirect
          RedirectConfig:
            Port: '8080'
  D:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties: {Protocol: HTTPS, DefaultActions: [{Type: forward}]}
  E:
    Type: AWS::ElasticLoadBalancing::LoadBalancer
    Properties:
      Listeners:
        - {LoadBalancerPort: '80', InstancePort: '80', Protocol: HTTP}
        - {LoadBalancerPort: '443', InstancePort: '80', Protocol: HTTPS}
  F:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties: {Protocol: !Ref P, DefaultActions: [{Type: forward}]}
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [6, 21, 33]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
