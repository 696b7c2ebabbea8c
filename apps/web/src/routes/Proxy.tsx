export default function Proxy() {
  return <h1>Proxy configuration</h1>;
}
