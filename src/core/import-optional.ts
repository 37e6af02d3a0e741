import { HeedError } from './heed-error.ts';

/** A command or function needs an optional package that is not installed; the message says how to install it. */
export class MissingPackageError extends HeedError {
  readonly packages: readonly string[];

  constructor(packages: readonly string[], purpose: string, options?: { cause?: unknown }) {
    super(
      'missing-package',
      `${purpose} needs the optional package${packages.length > 1 ? 's' : ''} ${packages.join(' and ')}, which ${packages.length > 1 ? 'are' : 'is'} not installed: npm install ${packages.join(' ')}`,
      options,
    );
    this.packages = packages;
  }
}

/**
 * Loads an optional package through `load` (a literal `import('name')`, so its types follow), and turns "not
 * installed" into a MissingPackageError naming it. Any other failure of the package is rethrown as it is.
 */
export async function importOptional<Module>(
  load: () => Promise<Module>,
  packageName: string,
  purpose: string,
): Promise<Module> {
  try {
    return await load();
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    const notFound = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
    if (notFound && typeof message === 'string' && message.includes(`'${packageName}'`)) {
      throw new MissingPackageError([packageName], purpose, { cause: error });
    }
    throw error;
  }
}
