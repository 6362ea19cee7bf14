// GitHub Stars: one net/fetch to api.github.com (the only host its manifest allows, on 443 only)
// and the repository's stargazers_count.
import { connect, CorralError, ErrorCode, NotFoundError } from '../../../sdk/node/src/index.ts';

// GitHub's own rules for owner and repository names (letters, digits, '-', '_', '.').
const REPO = /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9_.-]{1,100}$/;

const corral = connect();

corral.onCommand('stars.get', async (repo) => {
  if (typeof repo !== 'string' || !REPO.test(repo) || repo.endsWith('/..') || repo.endsWith('/.'))
    throw new CorralError(
      ErrorCode.InvalidParams,
      `give a repository as "owner/repo", e.g. "nodejs/node" (got ${JSON.stringify(repo)})`,
    );
  const response = await corral.net.fetch(`https://api.github.com/repos/${repo}`, {
    headers: {
      accept: 'application/vnd.github+json',
      'user-agent': 'corral-examples-github-stars/1.0',
    },
  });
  if (response.status === 404) throw new NotFoundError(`github.com/${repo} does not exist`);
  if (response.status !== 200)
    throw new CorralError(
      ErrorCode.InternalError,
      `api.github.com answered HTTP ${response.status} for ${repo}`,
    );
  const body = typeof response.body === 'string' ? parse(response.body) : null;
  const stars = body?.stargazers_count;
  if (typeof stars !== 'number')
    throw new CorralError(
      ErrorCode.InternalError,
      `api.github.com sent no stargazers_count for ${repo}`,
    );
  return { repo: typeof body?.full_name === 'string' ? body.full_name : repo, stars };
});

function parse(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
