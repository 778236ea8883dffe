<?php
/*
 * Router for PHP's built-in web server (`php -S ... router.php`), playing the part of Apache's
 * rewrite rules for the WordPress the contract tests run: real files are served as they are,
 * PHP files run, everything else goes to WordPress's index.php (pretty permalinks, /wp-json/).
 * ABSPATH is the test site's own folder (its wp-config.php, wp-content) around Debian's
 * WordPress code in /usr/share/wordpress.
 */
define('ABSPATH', rtrim($_SERVER['DOCUMENT_ROOT'], '/') . '/');
define('WORDPRESS_CODE', getenv('WARTA_WORDPRESS_CODE') ?: '/usr/share/wordpress');
$path = urldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH));
$file = ABSPATH . ltrim($path, '/');
if ($path !== '/' && is_file($file) && substr($file, -4) !== '.php') {
    return false;
}
if (is_file($file) && substr($file, -4) === '.php') {
    $_SERVER['SCRIPT_NAME'] = $_SERVER['PHP_SELF'] = $path;
    $_SERVER['SCRIPT_FILENAME'] = $file;
    chdir(dirname($file));
    require $file;
    return;
}
$_SERVER['SCRIPT_NAME'] = $_SERVER['PHP_SELF'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = ABSPATH . 'index.php';
require WORDPRESS_CODE . '/index.php';
