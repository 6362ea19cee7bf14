// `corral new NAME --template node|typescript|python|shell [--publisher P] [--dir DIR]`: a working
// extension in a new folder (app/author/scaffold.ts), and the commands to run next.
import { ScaffoldError, scaffold } from '../author/scaffold.ts';
import { SdkPackageError } from '../author/sdk-package.ts';
import { command } from './command.ts';
import { newSpec } from './specs.ts';

export const newCommand = command(newSpec, ({ positionals, options }, io) => {
  let made;
  try {
    made = scaffold({
      name: positionals.name,
      template: options.template,
      cwd: io.cwd,
      env: io.env,
      ...(options.publisher === undefined ? {} : { publisher: options.publisher }),
      ...(options.dir === undefined ? {} : { dir: options.dir }),
    });
  } catch (e) {
    if (!(e instanceof ScaffoldError || e instanceof SdkPackageError)) throw e;
    io.stderr(`corral new: ${e.message}\n`);
    return 1;
  }
  io.stdout(
    [
      `created ${made.id} in ${made.dir} (${options.template}, ${made.files.length} files)`,
      'next:',
      ...made.next.map((step) => `  ${step}`),
      '',
    ].join('\n'),
  );
  return 0;
});
