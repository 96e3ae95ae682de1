// The data source the TypeORM CLI uses (`npx typeorm migration:show -d dist/ormconfig.js`), built from
// the same validated config as the app. With the embedded database it reuses a running instance.
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/load-config';
import { openDatabase } from './src/database/database-endpoint';
import { dataSourceOptions } from './src/database/data-source-options';

export default openDatabase(loadConfig(), 'client').then((db) => new DataSource(dataSourceOptions(db.url, 2)));
