import { createRoot } from 'react-dom/client';
import { CustomerUpdate } from '../shared/schemas/customers.js';
console.log(CustomerUpdate.safeParse({ email: 'x' }).success);
createRoot(document.getElementById('root')!).render(<p>hi</p>);
