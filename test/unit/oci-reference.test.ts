import { expect, test } from 'vitest';
import { z } from 'zod';
import { imageReferenceProblem, imageRepositoryProblem, ociRefinement, registryProblem } from '../../src/answers/oci-reference.js';

test('registries: host[:port][/path] pass', () => {
  for (const ok of ['registry.example.com', 'registry.example.com/zenml', 'localhost:5000/zenml', 'my-registry.internal:443/team/zenml', '715803424590.dkr.ecr.eu-west-1.amazonaws.com', 'europe-docker.pkg.dev/zenml/zenml-pro', '[::1]:5000/zenml', 'Registry.Example.com/zenml']) {
    expect(registryProblem(ok), ok).toBeUndefined();
  }
});

test('registries: a scheme, a space, uppercase paths, no host, tags and bad ports are refused with the fix', () => {
  expect(registryProblem('https://my registry/zenml')).toMatch(/drop the scheme "https:\/\/"/);
  expect(registryProblem('my registry/zenml')).toMatch(/must not contain spaces/);
  expect(registryProblem('registry.example.com/ZenML')).toBe('path components are lowercase: use registry.example.com/zenml');
  expect(registryProblem('zenml')).toMatch(/starts with the registry host/);
  expect(registryProblem('registry.example.com/zenml:1.0')).toMatch(/no tag or digest/);
  expect(registryProblem('registry.example.com:99999/zenml')).toMatch(/not a port number/);
  expect(registryProblem('registry.example.com/zenml/')).toBe('drop the trailing "/": registry.example.com/zenml');
  expect(registryProblem('registry.example.com//zenml')).toMatch(/empty path component/);
  expect(registryProblem('reg_istry.example.com/zenml')).toMatch(/is not a host name/);
  expect(registryProblem('registry.example.com/-zenml')).toMatch(/not a valid path component/);
  expect(registryProblem('')).toMatch(/must not be empty/);
});

test('image repositories: names without a tag; the host is optional', () => {
  for (const ok of ['registry.example.com/zenml/zenml-pro-api', 'zenml/zenml-pro-server', 'ubuntu', 'localhost:5000/a__b/c.d-e']) expect(imageRepositoryProblem(ok), ok).toBeUndefined();
  expect(imageRepositoryProblem('registry.example.com/zenml/server:0.93.2')).toMatch(/without a tag or digest/);
  expect(imageRepositoryProblem('zenml-server:latest')).toMatch(/without a tag or digest/);
  expect(imageRepositoryProblem('registry.example.com/zenml/Server')).toMatch(/lowercase/);
  expect(imageRepositoryProblem('http://registry.example.com/zenml')).toMatch(/drop the scheme/);
  expect(imageRepositoryProblem(`registry.example.com/${'a'.repeat(260)}`)).toMatch(/at most 255/);
});

test('image references: name, optional tag, optional digest', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  for (const ok of ['runner', 'ubuntu:22.04', 'registry.example.com:5000/zenml/runner:1.0', `registry.example.com/runner@${digest}`, `runner:1.0@${digest}`]) {
    expect(imageReferenceProblem(ok), ok).toBeUndefined();
  }
  expect(imageReferenceProblem('runner:.bad')).toMatch(/is not a tag/);
  expect(imageReferenceProblem('runner@sha256:abc')).toMatch(/is not a digest/);
  expect(imageReferenceProblem('Registry.example.com/Runner:1')).toMatch(/lowercase/);
  expect(imageReferenceProblem('docker://runner:1')).toMatch(/drop the scheme/);
});

test('the zod refinement reports the same message as the check', () => {
  const field = z.string().superRefine(ociRefinement(registryProblem));
  const bad = field.safeParse('https://my registry/zenml');
  expect(bad.success).toBe(false);
  expect(bad.error?.issues[0]?.message).toBe(registryProblem('https://my registry/zenml'));
  expect(field.safeParse('registry.example.com/zenml').success).toBe(true);
});
