<?php
/*
 * Control of the contract tests' WordPress from the command line (no HTTP):
 *   php wpctl.php SITE_DIR create-database | install URL | user LOGIN ROLE | permalinks STRUCTURE
 *                      | reset | posts | versions | drop-database
 * Answers one JSON value on stdout. The database settings come from SITE_DIR/wp-config.php.
 */
$site = rtrim($argv[1], '/') . '/';
$command = $argv[2];
$args = array_slice($argv, 3);
define('ABSPATH', $site);

function database(): array {
    $config = file_get_contents(ABSPATH . 'wp-config.php');
    $found = [];
    foreach (['DB_NAME', 'DB_USER', 'DB_PASSWORD', 'DB_HOST'] as $name) {
        preg_match("/define\\('$name', '([^']*)'\\)/", $config, $m);
        $found[$name] = $m[1];
    }
    return $found;
}

function server(): mysqli {
    $db = database();
    [$host, $port] = array_pad(explode(':', $db['DB_HOST']), 2, '3306');
    return new mysqli($host, $db['DB_USER'], $db['DB_PASSWORD'], '', (int) $port);
}

if ($command === 'create-database' || $command === 'drop-database') {
    $name = database()['DB_NAME'];
    $sql = $command === 'create-database'
        ? "CREATE DATABASE `$name` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        : "DROP DATABASE IF EXISTS `$name`";
    server()->query($sql);
    echo json_encode(true), "\n";
    exit(0);
}

if ($command === 'install') {
    define('WP_INSTALLING', true);
}
$_SERVER['HTTP_HOST'] = parse_url($args[0] ?? 'http://127.0.0.1', PHP_URL_HOST);
require ABSPATH . 'wp-config.php';

switch ($command) {
    case 'install':
        // No mail on this machine: the new site's notice to its admin is not sent.
        function wp_new_blog_notification($blog_title, $blog_url, $user_id, $password) {}
        require_once ABSPATH . 'wp-admin/includes/upgrade.php';
        wp_install('Diskominfo Uji', 'admin', 'admin@example.test', false, '', wp_generate_password(24));
        $GLOBALS['wp_rewrite']->set_permalink_structure('/%postname%/');
        $GLOBALS['wp_rewrite']->flush_rules(false);
        echo json_encode($GLOBALS['wp_version']), "\n";
        break;
    case 'user':
        [$login, $role] = $args;
        $id = wp_insert_user([
            'user_login' => $login, 'user_pass' => wp_generate_password(24), 'role' => $role,
            'user_email' => "$login@example.test", 'display_name' => ucfirst($login) . ' Diskominfo',
        ]);
        [$password] = WP_Application_Passwords::create_new_application_password($id, ['name' => 'warta']);
        echo json_encode(['login' => $login, 'password' => $password]), "\n";
        break;
    case 'permalinks':
        $GLOBALS['wp_rewrite']->set_permalink_structure($args[0] ?? '');
        $GLOBALS['wp_rewrite']->flush_rules(false);
        echo json_encode(get_option('permalink_structure')), "\n";
        break;
    case 'reset':
        foreach (get_posts(['post_type' => 'any', 'post_status' => 'any', 'numberposts' => -1, 'fields' => 'ids']) as $id) {
            wp_delete_post($id, true);
        }
        foreach (get_posts(['post_type' => ['post', 'page', 'attachment'], 'post_status' => 'trash', 'numberposts' => -1, 'fields' => 'ids']) as $id) {
            wp_delete_post($id, true);
        }
        foreach (get_posts(['post_type' => 'attachment', 'post_status' => 'inherit', 'numberposts' => -1, 'fields' => 'ids']) as $id) {
            wp_delete_attachment($id, true);
        }
        foreach (['category', 'post_tag'] as $taxonomy) {
            foreach (get_terms(['taxonomy' => $taxonomy, 'hide_empty' => false]) as $term) {
                if ($term->term_id !== (int) get_option('default_category')) {
                    wp_delete_term($term->term_id, $taxonomy);
                }
            }
        }
        echo json_encode(true), "\n";
        break;
    case 'posts':
        global $wpdb;
        $rows = $wpdb->get_results(
            "SELECT ID, post_type, post_status, post_title, post_name, post_parent, post_excerpt, post_content FROM {$wpdb->posts} WHERE post_type IN ('post', 'attachment') ORDER BY ID",
            ARRAY_A
        );
        $out = [];
        foreach ($rows as $row) {
            $id = (int) $row['ID'];
            $item = [
                'id' => $id, 'type' => $row['post_type'], 'status' => $row['post_status'],
                'title' => $row['post_title'], 'slug' => $row['post_name'],
                'parent' => (int) $row['post_parent'], 'excerpt' => $row['post_excerpt'],
                'content' => $row['post_content'],
            ];
            if ($row['post_type'] === 'attachment') {
                $item['alt'] = get_post_meta($id, '_wp_attachment_image_alt', true);
                $item['url'] = wp_get_attachment_url($id);
                $file = get_attached_file($id);
                $item['file_exists'] = $file && file_exists($file);
            } else {
                $item['featured_media'] = (int) get_post_thumbnail_id($id);
                $item['categories'] = wp_get_post_categories($id, ['fields' => 'names']);
                $item['tags'] = wp_get_post_tags($id, ['fields' => 'names']);
            }
            $out[] = $item;
        }
        echo json_encode($out), "\n";
        break;
    case 'versions':
        global $wpdb;
        echo json_encode([
            'wordpress' => $GLOBALS['wp_version'], 'php' => PHP_VERSION,
            'database' => $wpdb->db_server_info(),
        ]), "\n";
        break;
    default:
        fwrite(STDERR, "unknown command $command\n");
        exit(2);
}
