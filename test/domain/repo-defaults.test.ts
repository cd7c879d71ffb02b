import { DEFAULT_REPO_CONFIG } from '../../src/domain/repo-config';
import { DEFAULT_CONFIG } from '../../src/domain/repo-defaults';

test('the workflow defaults equal the schema defaults of .github/issueflow.yml', () => {
  expect(DEFAULT_CONFIG).toEqual(DEFAULT_REPO_CONFIG);
});
