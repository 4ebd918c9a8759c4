import type {
  IMigrator,
  MigrateOptions,
  MigrationResult,
  MigrationRow,
  MigratorEvent,
  MikroORM,
  UmzugMigration,
} from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { loadMikroMigrations } from './mikro-orm.js';

/**
 * What `orm.getMigrator()` returns: MikroORM's Migrator, loaded on first use. Loading it loads
 * @mikro-orm/migrations (umzug and friends) and every migration class, which opening an
 * up-to-date database does not need. A stand-in rather than `Migrator.register` on demand:
 * `getMigrator()` is synchronous and called directly (`crm db status`, tests), while the
 * migration classes can only be imported asynchronously.
 */
export class LazyMigrator implements IMigrator {
  #loading?: Promise<IMigrator>;
  #migrator?: IMigrator;

  constructor(private readonly orm: MikroORM) {}

  /** True once the real Migrator has been loaded. */
  get loaded(): boolean {
    return this.#migrator !== undefined;
  }

  load(): Promise<IMigrator> {
    this.#loading ??= import('../../../migrations/index.js').then(({ migrationsList }) => {
      const { config } = this.orm;
      config.set('migrations', { ...config.get('migrations'), migrationsList });
      const { Migrator } = loadMikroMigrations();
      this.#migrator = new Migrator(this.orm.em as EntityManager);
      return this.#migrator;
    });
    return this.#loading;
  }

  async createMigration(
    path?: string,
    blank?: boolean,
    initial?: boolean,
    name?: string,
  ): Promise<MigrationResult> {
    return (await this.load()).createMigration(path, blank, initial, name);
  }
  async checkMigrationNeeded(): Promise<boolean> {
    return (await this.load()).checkMigrationNeeded();
  }
  async createInitialMigration(path?: string): Promise<MigrationResult> {
    return (await this.load()).createInitialMigration(path);
  }
  async getExecutedMigrations(): Promise<MigrationRow[]> {
    return (await this.load()).getExecutedMigrations();
  }
  async getPendingMigrations(): Promise<UmzugMigration[]> {
    return (await this.load()).getPendingMigrations();
  }
  async up(options?: string | string[] | MigrateOptions): Promise<UmzugMigration[]> {
    return (await this.load()).up(options);
  }
  async down(options?: string | string[] | MigrateOptions): Promise<UmzugMigration[]> {
    return (await this.load()).down(options);
  }
  // The synchronous methods cannot load it: nothing here needs them before a first async call.
  on(event: MigratorEvent, listener: (event: UmzugMigration) => void | Promise<void>): this {
    this.#loadedMigrator().on(event, listener);
    return this;
  }
  off(event: MigratorEvent, listener: (event: UmzugMigration) => void | Promise<void>): this {
    this.#loadedMigrator().off(event, listener);
    return this;
  }
  getStorage(): ReturnType<IMigrator['getStorage']> {
    return this.#loadedMigrator().getStorage();
  }
  #loadedMigrator(): IMigrator {
    if (!this.#migrator) throw new Error('the Migrator is not loaded: await load() first');
    return this.#migrator;
  }
}
