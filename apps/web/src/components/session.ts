import { createContext, useContext } from 'react';
import type { User } from '../api/client.js';

/** The signed-in user, for pages that adapt to the role. */
export const UserContext = createContext<User | null>(null);

export function useUser(): User {
  const user = useContext(UserContext);
  if (user === null) throw new Error('useUser outside the signed-in shell');
  return user;
}
