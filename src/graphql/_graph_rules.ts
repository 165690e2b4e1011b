/**
 * The graph checks graphql-js's validation cannot make (internal), as graphql-js validation
 * rules, so that a document is validated in one pass: graphql-js's rules and these.
 *
 * - A field selected on an interface that no node implements: GraphQL allows it (the selection
 *   can never apply), Hiku rejects it, and so does hiku-ts, with Hiku's message.
 *
 * @module
 */

import {
  type ASTVisitor,
  GraphQLError,
  type GraphQLInterfaceType,
  isInterfaceType,
  type ValidationContext,
  type ValidationRule,
} from "npm:graphql@17.1.0";

/**
 * Reports fields selected on an interface with no implementations.
 *
 * @param context The validation context.
 * @returns The rule's visitor.
 */
export const UnimplementedInterfaceRule: ValidationRule = (
  context: ValidationContext,
): ASTVisitor => {
  const schema = context.getSchema();
  return {
    Field(node) {
      const parent = context.getParentType();
      if (parent === null || !isInterfaceType(parent) || node.name.value.startsWith("__")) return;
      if (schema.getPossibleTypes(parent as GraphQLInterfaceType).length > 0) return;
      context.reportError(
        new GraphQLError(
          `Cannot query field "${node.name.value}" on interface "${parent.name}". Interface ` +
            `"${parent.name}" is not implemented by any type. Add at least one type implementing ` +
            "this interface",
          { nodes: node },
        ),
      );
    },
  };
};

/** The graph checks, in the order they run after graphql-js's own rules. */
export const GRAPH_RULES: readonly ValidationRule[] = [UnimplementedInterfaceRule];
