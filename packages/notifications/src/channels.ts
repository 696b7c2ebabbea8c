import { PanoptesError, type ChannelType, type Database } from '@panoptes/db-core';
import { PURPOSES, SecretConfig, UNCHANGED_SECRET, type FieldCipher } from '@panoptes/crypto';
import { SECRET_FIELDS, validateChannelConfig, type ChannelConfig, type ConfigProblem } from './channels/config.js';
import type { ChannelTemplates } from './render.js';

/** A config was refused; `problems` names each field and what is wrong with it. */
export class ChannelConfigError extends PanoptesError {
  readonly problems: readonly ConfigProblem[];

  constructor(type: ChannelType, problems: readonly ConfigProblem[]) {
    super('INVALID_CHANNEL_CONFIG', `invalid ${type} channel: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, { context: { problems, fields: problems.map((p) => ({ field: `config.${p.field}`, message: p.message })) } });
    this.problems = problems;
  }
}

export interface ChannelInput {
  readonly name: string;
  readonly type: ChannelType;
  readonly config: Readonly<Record<string, unknown>>;
  readonly enabled?: boolean;
  readonly templates?: ChannelTemplates | null;
  readonly rateLimitPerMinute?: number | null;
}

/** A channel as the API shows it: secret fields replaced by UNCHANGED_SECRET. */
export interface ChannelView {
  readonly id: number;
  readonly projectUuid: string;
  readonly name: string;
  readonly type: ChannelType;
  readonly enabled: boolean;
  readonly config: Record<string, unknown>;
  readonly templates: ChannelTemplates | null;
  readonly rateLimitPerMinute: number | null;
}

export interface LoadedChannel extends ChannelView {
  /** Secrets decrypted: for sending only, never for display or logs. */
  readonly secretConfig: ChannelConfig;
}

/** Channel configs with validation per type and encrypted secret fields. */
export class ChannelStore {
  constructor(
    private readonly db: Database,
    private readonly cipher: FieldCipher,
  ) {}

  #secrets(type: ChannelType): SecretConfig {
    return new SecretConfig(this.cipher, PURPOSES.channelConfig(type), SECRET_FIELDS[type]);
  }

  /** Validates and stores; on update, a secret sent as UNCHANGED_SECRET keeps its stored value. */
  async save(projectUuid: string, input: ChannelInput, id?: number): Promise<ChannelView> {
    const secrets = this.#secrets(input.type);
    const previous = id === undefined ? undefined : await this.#row(projectUuid, id);
    if (previous !== undefined && previous.type !== input.type) throw new PanoptesError('INVALID_CHANNEL_CONFIG', 'a channel cannot change its type');
    const previousStored = previous === undefined ? undefined : (JSON.parse(previous.config) as Record<string, unknown>);
    // Validate the config as it will be used: placeholders resolved to the stored secrets.
    const resolved = { ...input.config };
    for (const field of SECRET_FIELDS[input.type]) {
      if (resolved[field] === UNCHANGED_SECRET) {
        const kept = previousStored?.[field];
        if (typeof kept !== 'string') throw new ChannelConfigError(input.type, [{ field, message: 'sent as unchanged, but no value is stored' }]);
        resolved[field] = this.cipher.decrypt(kept, `${PURPOSES.channelConfig(input.type)}.${field}`);
      }
    }
    const checked = validateChannelConfig(input.type, resolved);
    if (!checked.ok) throw new ChannelConfigError(input.type, checked.problems);
    const stored = JSON.stringify(secrets.encrypt(checked.config as Record<string, unknown>));
    const now = Date.now();
    const values = {
      name: input.name,
      type: input.type,
      enabled: input.enabled ?? true,
      config: stored,
      template: input.templates ? JSON.stringify(input.templates) : null,
      rate_limit_per_minute: input.rateLimitPerMinute ?? null,
      updated_at: now,
    };
    const scope = this.db.project(projectUuid);
    const saved = await scope.write(async (tx) =>
      id === undefined
        ? tx.db.insertInto('notification_channels').values({ ...values, created_at: now }).returning('id').executeTakeFirstOrThrow()
        : tx.db.updateTable('notification_channels').set(values).where('id', '=', id).returning('id').executeTakeFirstOrThrow(),
    );
    return this.view(projectUuid, saved.id);
  }

  async view(projectUuid: string, id: number): Promise<ChannelView> {
    const row = await this.#row(projectUuid, id);
    if (row === undefined) throw new PanoptesError('CHANNEL_NOT_FOUND', `no notification channel ${id} in this project`);
    return this.#toView(row);
  }

  async list(projectUuid: string): Promise<ChannelView[]> {
    const rows = await this.db.project(projectUuid).read.selectFrom('notification_channels').selectAll().orderBy('name').execute();
    return rows.map((r) => this.#toView(r));
  }

  /** For sending: the channel with its secrets in clear (any project: the dispatcher is global). */
  async load(id: number): Promise<LoadedChannel | undefined> {
    const row = await this.db.read.selectFrom('notification_channels').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) return undefined;
    const decrypted = this.#secrets(row.type).decrypt(JSON.parse(row.config) as Record<string, unknown>);
    return { ...this.#toView(row), secretConfig: decrypted as unknown as ChannelConfig };
  }

  #row(projectUuid: string, id: number) {
    return this.db.project(projectUuid).read.selectFrom('notification_channels').selectAll().where('id', '=', id).executeTakeFirst();
  }

  #toView(row: { id: number; project_uuid: string; name: string; type: ChannelType; enabled: boolean; config: string; template: string | null; rate_limit_per_minute: number | null }): ChannelView {
    return {
      id: row.id,
      projectUuid: row.project_uuid,
      name: row.name,
      type: row.type,
      enabled: row.enabled,
      config: this.#secrets(row.type).redact(JSON.parse(row.config) as Record<string, unknown>),
      templates: row.template === null ? null : (JSON.parse(row.template) as ChannelTemplates),
      rateLimitPerMinute: row.rate_limit_per_minute,
    };
  }
}
