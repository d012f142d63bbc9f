//! Which resources an expression names, however it is written: `aws_lb.web.arn`, `"${aws_lb.web.arn}/x"`,
//! `format("%s", aws_lb.web.arn)`, a list of them; in templates `!Ref Web`, `!GetAtt Web.Arn`, `!Sub
//! "${Web}"`, `Fn::Join` parts, or the bare logical id as a string. For the rules that pair a resource with the
//! companions that name it (a WAF association and its load balancer, a query log and its zone).

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::tree::{Node, NodeKind};
use crate::cloudformation::CfnResource;
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::model::{Expr, ExprKind, Step};

/// Whether `expr` names the resource `ty.name` anywhere in it (a traversal `ty.name...`, in a template, a call,
/// a list, an object or a conditional).
pub fn tf_mentions(expr: &Expr, ty: &str, name: &str) -> bool {
    expr.any(|e| {
        matches!(&e.kind, ExprKind::Traversal(root, steps)
        if root == ty && matches!(steps.first(), Some(Step::Attr(n)) if n == name))
    })
}

/// Whether `expr` names `target` (see [`tf_mentions`]); a data source is named as `data.<type>.<name>`.
pub fn tf_names(expr: &Expr, target: Resource) -> bool {
    if target.block.kind == "data" {
        return data_mentions(expr, target.ty(), target.name());
    }
    tf_mentions(expr, target.ty(), target.name())
}

fn data_mentions(expr: &Expr, ty: &str, name: &str) -> bool {
    expr.any(|e| {
        matches!(&e.kind, ExprKind::Traversal(root, steps)
        if root == "data" && matches!(steps.as_slice(), [Step::Attr(t), Step::Attr(n), ..] if t == ty && n == name))
    })
}

/// The resources of `ty` named in `expr`, among every resource of the module (a lookup).
pub fn tf_named<'m>(ctx: &TfContext<'_, 'm>, expr: &Expr, ty: &str) -> Vec<Resource<'m>> {
    ctx.all_resources(ty).filter(|r| tf_mentions(expr, r.ty(), r.name())).collect()
}

/// The resources of `types` (every one of the module: a lookup) whose attribute `attr` names `target`.
pub fn tf_naming<'m>(ctx: &TfContext<'_, 'm>, target: Resource, types: &[&str], attr: &str) -> Vec<Resource<'m>> {
    let mut out = Vec::new();
    for ty in types {
        for r in ctx.all_resources(ty) {
            if r.block.attr(attr).is_some_and(|a| tf_names(&a.expr, target)) {
                out.push(r);
            }
        }
    }
    out
}

/// Whether `node` names the resource `id`: `Ref`, `Fn::GetAtt`, `${Id}` / `${Id.Attr}` in a `Fn::Sub`, inside
/// any intrinsic or list, or the logical id itself as a string (how many templates and fixtures name
/// resources).
pub fn cfn_mentions(node: &Node, id: &str) -> bool {
    cfn_mentions_in(node, id, false)
}

fn cfn_mentions_in(node: &Node, id: &str, in_sub: bool) -> bool {
    if let Some((name, arg)) = node.intrinsic() {
        return match name {
            "Ref" => arg.as_str() == Some(id),
            "Fn::GetAtt" => match arg.as_str() {
                Some(s) => s.split('.').next() == Some(id),
                None => arg.items().first().and_then(Node::as_str) == Some(id),
            },
            "Fn::Sub" => cfn_mentions_in(arg, id, true),
            _ => cfn_mentions_in(arg, id, in_sub),
        };
    }
    match &node.kind {
        NodeKind::String(s) => {
            s == id || (in_sub && (s.contains(&format!("${{{id}}}")) || s.contains(&format!("${{{id}."))))
        }
        NodeKind::List(items) => items.iter().any(|i| cfn_mentions_in(i, id, in_sub)),
        NodeKind::Map(entries) => entries.iter().any(|e| cfn_mentions_in(&e.value, id, in_sub)),
        _ => false,
    }
}

/// The resources of `types` of the template whose property `prop` (a dotted path) names `target`.
pub fn cfn_naming<'t>(
    ctx: &CfnContext<'_, 't>,
    target: CfnResource,
    types: &[&str],
    prop: &str,
) -> Vec<CfnResource<'t>> {
    let mut out = Vec::new();
    for ty in types {
        for r in ctx.template.resources().filter(|r| r.ty == *ty) {
            if ctx.prop(r, prop).is_some_and(|(n, _)| cfn_mentions(n, target.logical_id)) {
                out.push(r);
            }
        }
    }
    out
}

/// The resources of `ty` of the template that `node` names.
pub fn cfn_named<'t>(ctx: &CfnContext<'_, 't>, node: &Node, ty: &str) -> Vec<CfnResource<'t>> {
    ctx.template.resources().filter(|r| r.ty == ty && cfn_mentions(node, r.logical_id)).collect()
}

/// Whether `expr` names any resource of type `ty` (whether or not the module declares it).
pub fn tf_mentions_type(expr: &Expr, ty: &str) -> bool {
    expr.any(|e| matches!(&e.kind, ExprKind::Traversal(root, _) if root == ty))
}

/// The text of a string a template writes, as written: a literal, or the pattern of a `Fn::Sub`.
pub fn cfn_raw_text(node: &Node) -> Option<&str> {
    match node.intrinsic() {
        Some(("Fn::Sub", arg)) => arg.as_str().or_else(|| arg.items().first().and_then(Node::as_str)),
        Some(_) => None,
        None => node.as_str(),
    }
}
