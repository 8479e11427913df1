/** Loading state for API calls, and the shared reference data (dictionary, purposes) fetched once. */
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { Dictionary, Purpose } from '../api/types.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [generation, setGeneration] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: callers list what the load depends on.
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    load().then(
      (data) => current && setState({ data, error: undefined, loading: false }),
      (error) => current && setState({ data: undefined, error, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}

let dictionary: Promise<Dictionary> | undefined;
export function useDictionary(): Loaded<Dictionary> {
  return useLoad(() => {
    dictionary ??= api.get<Dictionary>('/api/dictionary').catch((error) => {
      dictionary = undefined;
      throw error;
    });
    return dictionary;
  }, []);
}

export function usePurposes(): Loaded<Purpose[]> {
  return useLoad(() => api.get<{ purposes: Purpose[] }>('/api/purposes').then((r) => r.purposes), []);
}
