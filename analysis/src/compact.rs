//! Keeping what stays in memory small: the models of every file open are kept for the whole session.

/// `v` without its spare capacity. A vector grown by pushes, or collected from a filtered iterator, holds room
/// for four elements after its first and grows by doubling after that.
pub fn tight<T>(mut v: Vec<T>) -> Vec<T> {
    v.shrink_to_fit();
    v
}

#[cfg(test)]
mod tests {
    use crate::cloudformation::tree::{Node, NodeKind};
    use crate::cloudformation::Template;
    use crate::document::{Document, Parsers};
    use crate::terraform::model::{Block, Expr, ExprKind, Step, TemplatePart};

    /// Every vector of `block` that holds something (`where_` names it in a failure) has no room to spare.
    fn block_is_tight(block: &Block, spare: &mut Vec<String>) {
        let mut check = |what: &str, len: usize, capacity: usize| {
            if capacity > len {
                spare.push(format!("{} {what}: {len} of {capacity}", block.kind));
            }
        };
        check("labels", block.labels.len(), block.labels.capacity());
        check("attributes", block.attributes.len(), block.attributes.capacity());
        check("blocks", block.blocks.len(), block.blocks.capacity());
        for a in &block.attributes {
            expr_is_tight(&a.expr, spare);
        }
        for b in &block.blocks {
            block_is_tight(b, spare);
        }
    }

    fn steps_are_tight(steps: &Vec<Step>, spare: &mut Vec<String>) {
        if steps.capacity() > steps.len() {
            spare.push(format!("steps: {} of {}", steps.len(), steps.capacity()));
        }
        for step in steps {
            match step {
                Step::Index(e) => expr_is_tight(e, spare),
                Step::Splat(s) => steps_are_tight(s, spare),
                Step::Attr(_) => {}
            }
        }
    }

    fn expr_is_tight(expr: &Expr, spare: &mut Vec<String>) {
        let mut check = |what: &str, len: usize, capacity: usize| {
            if capacity > len {
                spare.push(format!("{what}: {len} of {capacity}"));
            }
        };
        match &expr.kind {
            ExprKind::Template(parts) => {
                check("template parts", parts.len(), parts.capacity());
                for p in parts {
                    if let TemplatePart::Interpolation(e) = p {
                        expr_is_tight(e, spare);
                    }
                }
            }
            ExprKind::Tuple(items) | ExprKind::Call(_, items) | ExprKind::CallExpanded(_, items) => {
                check("items", items.len(), items.capacity());
                items.iter().for_each(|e| expr_is_tight(e, spare));
            }
            ExprKind::Object(elems) => {
                check("object", elems.len(), elems.capacity());
                for (k, v) in elems {
                    expr_is_tight(k, spare);
                    expr_is_tight(v, spare);
                }
            }
            ExprKind::Traversal(_, steps) => steps_are_tight(steps, spare),
            ExprKind::Steps(e, steps) => {
                expr_is_tight(e, spare);
                steps_are_tight(steps, spare);
            }
            _ => {}
        }
    }

    fn node_is_tight(node: &Node, spare: &mut Vec<String>) {
        match &node.kind {
            NodeKind::Map(entries) => {
                if entries.capacity() > entries.len() {
                    spare.push(format!("map at {}: {} of {}", node.range.start, entries.len(), entries.capacity()));
                }
                entries.iter().for_each(|e| node_is_tight(&e.value, spare));
            }
            NodeKind::List(items) => {
                if items.capacity() > items.len() {
                    spare.push(format!("list at {}: {} of {}", node.range.start, items.len(), items.capacity()));
                }
                items.iter().for_each(|n| node_is_tight(n, spare));
            }
            _ => {}
        }
    }

    #[test]
    fn a_terraform_model_keeps_no_spare_room() {
        let source = r#"
resource "aws_security_group" "web" {
  name    = "web-${var.env}"
  tags    = merge(local.tags, { Name = "web", Tier = "front" })
  subnets = [for s in var.subnets : s.id if s.public]
  ids     = aws_instance.web[*].id
  ingress {
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["10.0.0.0/8", "192.168.0.0/16", "172.16.0.0/12"]
  }
  ingress {
    from_port = 22
  }
}
"#;
        let file = crate::terraform::direct::read(source).expect("read directly");
        let mut spare = Vec::new();
        file.blocks.iter().for_each(|b| block_is_tight(b, &mut spare));
        assert!(spare.is_empty(), "{spare:?}");
    }

    #[test]
    fn a_cloudformation_tree_keeps_no_spare_room() {
        for (path, text) in [
            (
                "t.yaml",
                "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags:\n        - Key: a\n          Value: b\n      Flow: {a: 1, b: [x, y, z]}\n",
            ),
            (
                "t.json",
                r#"{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": [{"Key": "a", "Value": "b"}], "L": [1, 2, 3]}}}}"#,
            ),
        ] {
            let mut doc = Document::new(path, text, 1).unwrap();
            doc.parse_fully(&mut Parsers::new());
            let template = Template::from_document(&doc).expect("a template");
            let mut spare = Vec::new();
            node_is_tight(&template.root, &mut spare);
            assert!(spare.is_empty(), "{path}: {spare:?}");
        }
    }
}
