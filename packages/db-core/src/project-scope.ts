import {
  AliasNode,
  BinaryOperationNode,
  ColumnNode,
  InsertQueryNode,
  OnNode,
  OperationNodeTransformer,
  OperatorNode,
  PrimitiveValueListNode,
  QueryNode,
  ReferenceNode,
  TableNode,
  ValueListNode,
  ValueNode,
  ValuesNode,
  type DeleteQueryNode,
  type JoinNode,
  type Kysely,
  type KyselyPlugin,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryId,
  type QueryResult,
  type RootOperationNode,
  type SelectQueryNode,
  type UnknownRow,
  type UpdateQueryNode,
} from 'kysely';
import { PanoptesError } from './errors.js';
import { PROJECT_SCOPED_TABLES, type Schema } from './schema/index.js';
import type { WriteContext } from './write-context.js';

const SCOPED: ReadonlySet<string> = new Set(PROJECT_SCOPED_TABLES);
const COLUMN = 'project_uuid';

/** One project's view of the database: reads filtered, writes stamped. */
export interface ProjectScope {
  readonly uuid: string;
  readonly read: Kysely<Schema>;
  write<T>(unit: (tx: WriteContext) => Promise<T> | T): Promise<T>;
}

/**
 * A Kysely plugin that adds `project_uuid = <uuid>` for every project-scoped table a query reads,
 * updates or deletes (in WHERE for FROM tables, in ON for joined ones, also inside subqueries), and
 * stamps the uuid on every inserted row. A write that names another project is refused.
 * Raw `sql` fragments are not rewritten.
 */
export class ProjectScopePlugin implements KyselyPlugin {
  readonly #transformer: ScopeTransformer;

  constructor(uuid: string) {
    this.#transformer = new ScopeTransformer(uuid);
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node, args.queryId);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** The columns and rows of an insert with the project's uuid stamped (for raw batch inserts). */
export function stampProject(
  table: string,
  uuid: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): { columns: readonly string[]; rows: readonly (readonly unknown[])[] } {
  if (!SCOPED.has(table)) return { columns, rows };
  const at = columns.indexOf(COLUMN);
  if (at === -1) return { columns: [...columns, COLUMN], rows: rows.map((row) => [...row, uuid]) };
  for (const row of rows) if (row[at] !== uuid) throw crossProject(table);
  return { columns, rows };
}

function crossProject(table: string): PanoptesError {
  return new PanoptesError('CROSS_PROJECT_WRITE', `a write to ${table} in one project's scope named another project`);
}

class ScopeTransformer extends OperationNodeTransformer {
  readonly #uuid: string;

  constructor(uuid: string) {
    super();
    this.#uuid = uuid;
  }

  protected override transformSelectQuery(node: SelectQueryNode, queryId?: QueryId): SelectQueryNode {
    const out = super.transformSelectQuery(node, queryId);
    const withWhere = this.#filterFrom(out, out.from?.froms ?? []);
    return { ...withWhere, joins: out.joins?.map((join) => this.#scopeJoin(join)) };
  }

  protected override transformUpdateQuery(node: UpdateQueryNode, queryId?: QueryId): UpdateQueryNode {
    const out = super.transformUpdateQuery(node, queryId);
    const target = out.table === undefined ? undefined : scopedTable(out.table);
    if (target !== undefined) {
      for (const update of out.updates ?? []) {
        if (ColumnNode.is(update.column) && update.column.column.name === COLUMN && !this.#isOwnUuid(update.value)) throw crossProject(target.name);
      }
    }
    const withWhere = this.#filterFrom(out, [...(out.table ? [out.table] : []), ...(out.from?.froms ?? [])]);
    return { ...withWhere, joins: out.joins?.map((join) => this.#scopeJoin(join)) };
  }

  protected override transformDeleteQuery(node: DeleteQueryNode, queryId?: QueryId): DeleteQueryNode {
    const out = super.transformDeleteQuery(node, queryId);
    const withWhere = this.#filterFrom(out, [...out.from.froms, ...(out.using?.tables ?? [])]);
    return { ...withWhere, joins: out.joins?.map((join) => this.#scopeJoin(join)) };
  }

  protected override transformInsertQuery(node: InsertQueryNode, queryId?: QueryId): InsertQueryNode {
    const out = super.transformInsertQuery(node, queryId);
    const table = out.into === undefined ? undefined : scopedTable(out.into);
    if (table === undefined) return out;
    const columns = out.columns ?? [];
    const at = columns.findIndex((c) => c.column.name === COLUMN);
    if (out.values === undefined || !ValuesNode.is(out.values)) {
      if (at === -1) throw new PanoptesError('SCOPED_INSERT_SELECT', `a scoped insert into ${table.name} from a query must select project_uuid`);
      return out;
    }
    if (at !== -1) {
      for (const row of out.values.values) {
        const value = PrimitiveValueListNode.is(row) ? row.values[at] : row.values[at];
        const own = PrimitiveValueListNode.is(row) ? value === this.#uuid : this.#isOwnUuid(value as OperationNode);
        if (!own) throw crossProject(table.name);
      }
      return out;
    }
    const rows = out.values.values.map((row) =>
      PrimitiveValueListNode.is(row)
        ? PrimitiveValueListNode.create([...row.values, this.#uuid])
        : ValueListNode.create([...row.values, ValueNode.create(this.#uuid)]),
    );
    return InsertQueryNode.cloneWith(out, {
      columns: [...columns, ColumnNode.create(COLUMN)],
      values: ValuesNode.create(rows),
    });
  }

  #isOwnUuid(node: OperationNode | undefined): boolean {
    return node !== undefined && ValueNode.is(node) && node.value === this.#uuid;
  }

  #condition(reference: string): BinaryOperationNode {
    return BinaryOperationNode.create(
      ReferenceNode.create(ColumnNode.create(COLUMN), TableNode.create(reference)),
      OperatorNode.create('='),
      ValueNode.create(this.#uuid),
    );
  }

  #filterFrom<N extends SelectQueryNode | UpdateQueryNode | DeleteQueryNode>(node: N, froms: readonly OperationNode[]): N {
    let out = node;
    for (const from of froms) {
      const table = scopedTable(from);
      if (table !== undefined) out = QueryNode.cloneWithWhere(out, this.#condition(table.reference));
    }
    return out;
  }

  #scopeJoin(join: JoinNode): JoinNode {
    const table = scopedTable(join.table);
    if (table === undefined) return join;
    const condition = this.#condition(table.reference);
    return { ...join, on: join.on ? OnNode.cloneWithOperation(join.on, 'And', condition) : OnNode.create(condition) };
  }
}

/** The scoped table a FROM/JOIN item names, with the name to reference it by (its alias if any). */
function scopedTable(node: OperationNode): { name: string; reference: string } | undefined {
  let table: OperationNode = node;
  let alias: string | undefined;
  if (AliasNode.is(node)) {
    table = node.node;
    alias = (node.alias as { name?: string }).name;
  }
  if (!TableNode.is(table)) return undefined;
  const name = table.table.identifier.name;
  if (!SCOPED.has(name)) return undefined;
  return { name, reference: alias ?? name };
}
